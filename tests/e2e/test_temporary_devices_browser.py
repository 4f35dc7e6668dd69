"""Interim access in real Chromium (T1-T4): a client whose DSC+ was reported lost logs in
with the temporary passcode read to them by support, prints the online security card,
logs in with the card, then reactivates the DSC+ once it is found; the passcode then
stops working at once, even in a browser already standing at the passcode step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.client_info import SYSTEM
from accounts.models import LoginFailure
from devices.temporary.services import device_report
from tests.devices.temporary.helpers import device_of, passcode_give
from tests.e2e.helpers import card_of, expect_welcome, keypad_response, log_in, log_out, serial_of
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_device(page: Page, user, kind: str) -> None:
    page.get_by_label("Security device").select_option(value=str(device_of(user, kind).pk))
    page.get_by_role("button", name="Use this device").click()


def read_printed_card(page: Page) -> dict[str, str]:
    """Every cell of the printed card, as the client would copy it: index → code."""
    cells = page.locator("span.cell-code")
    expect(cells).to_have_count(100)
    return {cell.get_attribute("data-index"): cell.inner_text().strip() for cell in cells.all()}


def test_T2_T3_T4_passcode_online_card_and_reactivation(page: Page, browser: Browser, live_server):
    base = live_server.url
    user = UserFactory(username="stranded", device="dsc_plus")
    agent = StaffFactory(username="agent")
    device_report(
        authenticator=card_of(user).authenticator, state="lost", agent=agent, client=SYSTEM
    )
    code = passcode_give(user, agent, reason="lost")

    # The passcode (T2, full window): the portal points at the online card.
    log_in(page, base, "stranded", DEFAULT_PASSWORD)
    page.get_by_label("Temporary passcode", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    expect_welcome(page, "stranded")
    page.get_by_role("link", name="print or save your online security card").click()

    # T3: the printable card, and its image.
    expect(page.get_by_role("heading", name="Online Security Code Card")).to_be_visible()
    printed = read_printed_card(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Save the card as an image (PNG)").click()
    assert download.value.suggested_filename.endswith(".png")
    log_out(page)

    # Logging in with the card: index numbers, codes typed one after the other.
    log_in(page, base, "stranded", DEFAULT_PASSWORD)
    choose_device(page, user, "online_card")
    indexes = page.get_by_test_id("challenge-value").inner_text().strip().split(",")
    page.get_by_label("Codes from your card", exact=True).fill(
        "".join(printed[index] for index in indexes)
    )
    page.get_by_role("button", name="Continue").click()
    expect_welcome(page, "stranded")

    # Meanwhile another browser stands at the passcode step.
    elsewhere = browser.new_context().new_page()
    log_in(elsewhere, base, "stranded", DEFAULT_PASSWORD)
    choose_device(elsewhere, user, "temporary_passcode")
    expect(elsewhere.get_by_label("Temporary passcode", exact=True)).to_be_visible()

    # T4: the DSC+ is found; its challenge answered on the keypad simulator.
    page.get_by_role("link", name="Settings: Secure Login System").click()
    page.get_by_label("Device to reactivate").select_option(value=str(card_of(user, "dsc_plus").pk))
    page.get_by_role("button", name="Reactivate security device").click()
    challenge = page.get_by_test_id("challenge-value").inner_text().strip()
    keypad = page.context.new_page()
    response = keypad_response(keypad, base, serial_of(user, "dsc_plus"), challenge)
    keypad.close()
    page.get_by_label("Response from your card", exact=True).fill(response)
    page.get_by_role("button", name="Reactivate", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your security device is active again")
    expect(page.get_by_role("cell", name="Active", exact=True)).to_have_count(1)

    # The right passcode no longer works; it is not checked, so nothing is counted (G1).
    failures = LoginFailure.objects.filter(user=user).count()
    elsewhere.get_by_label("Temporary passcode", exact=True).fill(code)
    elsewhere.get_by_role("button", name="Continue").click()
    expect(elsewhere.get_by_role("status")).to_contain_text("This temporary device no longer works")
    assert LoginFailure.objects.filter(user=user).count() == failures
    elsewhere.context.close()
