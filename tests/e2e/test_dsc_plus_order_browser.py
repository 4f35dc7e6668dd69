"""The DSC+ order in Chromium (T5, T6, G4): from the SLS page through Change Address (with
the card's fresh answer), PIN and deposit account, the summary and its Back button and the
card's answer, to the confirmation with the estimated
dates; then the delivered card, played by the keypad simulator with the new PIN, is
activated early from the SLS page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.dates import day_text
from orders.models import DeviceOrder
from tests.e2e.helpers import (
    challenge_of,
    device_step,
    expect_welcome,
    keypad_response,
    log_in,
    printed_codes,
    serial_of,
)
from tests.factories import DEFAULT_PASSWORD
from tests.orders.helpers import NEW_PIN, rich_client_user, stock_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_pin_step(page: Page) -> None:
    expect(page.get_by_role("heading", name="PIN and deposit")).to_be_visible()
    page.get_by_label("PIN", exact=True).fill(NEW_PIN)
    page.get_by_label("PIN again").fill(NEW_PIN)
    page.get_by_role("button", name="Continue").click()


def test_T5_T6_dsc_plus_wizard_through_confirmation_and_early_activation(page: Page, live_server):
    user = rich_client_user(username="rich")
    stock_card("DSCP-700001")
    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    device_step(page, live_server.url, user, "scc")
    expect_welcome(page, user.username)

    page.get_by_role("link", name="Settings: Secure Login System").click()
    page.get_by_role("link", name="Request Physical Device").click()
    expect(page.get_by_role("heading", name="Request a Digital Security Card+")).to_be_visible()
    page.get_by_role("link", name="Request Physical Device").click()
    expect(page.get_by_test_id("shipping-address")).to_contain_text("1 Main Street")

    page.get_by_role("link", name="Change Address").click()
    page.get_by_label("Postal code").fill("not a zip!")
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Enter a valid postal code for that country.")).to_be_visible()
    page.get_by_label("Street address").fill("350 Fifth Avenue")
    page.get_by_label("City").fill("New York")
    page.get_by_label("Postal code").fill("10118")
    page.get_by_label("Country").select_option("US")
    # The address of record changes with a fresh answer from the permanent card (G4).
    card = page.context.new_page()
    codes = printed_codes(card, live_server.url, serial_of(user, "scc"), challenge_of(page))
    card.close()
    page.get_by_label("Codes from your card", exact=True).fill(codes)
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Your address of record has been updated.")).to_be_visible()
    expect(page.get_by_test_id("shipping-address")).to_contain_text("350 Fifth Avenue")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("PIN", exact=True).fill("123")
    page.get_by_label("PIN again").fill("123")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("The PIN must be exactly 4 digits.").first).to_be_visible()
    fill_pin_step(page)

    expect(page.get_by_role("heading", name="Summary of your request")).to_be_visible()
    expect(page.get_by_text("350 Fifth Avenue")).to_be_visible()
    page.get_by_role("link", name="Back").click()
    fill_pin_step(page)
    # Placing the order takes a fresh answer too (G4).
    device_step(page, live_server.url, user, "scc")

    expect(page.get_by_role("heading", name="Your DSC+ is on its way")).to_be_visible()
    order = DeviceOrder.objects.get(user=user)
    expect(page.get_by_test_id("shipment-date")).to_have_text(day_text(order.shipped_at))
    expect(page.get_by_test_id("delivery-date")).to_have_text(
        f"by {day_text(order.estimated_delivery)}"
    )
    page.get_by_role("link", name="OK").click()

    page.get_by_role("link", name="Activate it now").click()
    challenge = page.get_by_test_id("challenge-value").inner_text().strip()
    card = page.context.new_page()
    response = keypad_response(card, live_server.url, "DSCP-700001", challenge, pin=NEW_PIN)
    card.close()
    page.get_by_label("Response from your card").fill(response)
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Your DSC+ is active.")).to_be_visible()
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.ACTIVATED
