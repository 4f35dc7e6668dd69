"""The whole lost-device story in real Chromium (T1-T6): a client calls to say their DSC+
is lost; the support agent marks it lost and issues a temporary passcode in the admin; the
client logs in with the passcode, prints the online security card, logs in with the card,
orders a replacement DSC+ to the address of record, answering the online card (G4); the
replacement activates by itself three weeks after shipment, the temporary devices stop
working, and the new card logs in. Every step is in the audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from accounts.models import AuditEvent, AuditEventType, User
from devices.models import Authenticator, SecurityDevice
from orders.models import DeviceOrder
from tests.e2e.helpers import (
    desk_log_in,
    desk_passcode_issue,
    desk_report_lost,
    expect_welcome,
    keypad_response,
    log_in,
    log_out,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.orders.helpers import NEW_PIN, US_ADDRESS, stock_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLACEMENT = "DSCP-700001"


def stranded_client():
    """A DSC+ holder with an address of record, as a client who has lost the card."""
    user = UserFactory(username="carol", device="dsc_plus")
    client = user.client
    client.address_line, client.city = US_ADDRESS.address_line, US_ADDRESS.city
    client.postal_code, client.address_country = US_ADDRESS.postal_code, US_ADDRESS.country
    client.email = "carol@example.com"
    client.save()
    return user


def agent_issues_passcode(page: Page, base: str, agent) -> str:
    """The support desk: mark the caller's DSC+ lost, issue a passcode, read it out."""
    desk_log_in(page, base, agent)
    desk_report_lost(page, "Authenticators", search="carol", row_text="DSC")
    expect(page.get_by_text(re.compile(r"marked lost\."))).to_be_visible()
    code = desk_passcode_issue(page, User.objects.get(username="carol"))
    log_out(page)
    return code


def print_online_card(page: Page) -> dict[str, str]:
    expect(page.get_by_role("heading", name="Online Security Code Card")).to_be_visible()
    cells = page.locator("span.cell-code")
    expect(cells).to_have_count(100)
    return {cell.get_attribute("data-index"): cell.inner_text().strip() for cell in cells.all()}


def log_in_with_online_card(page: Page, base: str, printed: dict[str, str]) -> None:
    card = SecurityDevice.objects.get(authenticator__kind="online_card")
    log_in(page, base, "carol", DEFAULT_PASSWORD)
    page.get_by_label("Security device").select_option(value=str(card.pk))
    page.get_by_role("button", name="Use this device").click()
    indexes = page.get_by_test_id("challenge-value").inner_text().strip().split(",")
    page.get_by_label("Codes from your card", exact=True).fill(
        "".join(printed[index] for index in indexes)
    )
    page.get_by_role("button", name="Continue").click()


def order_replacement(page: Page, printed: dict[str, str]) -> None:
    page.get_by_role("link", name="Settings: Secure Login System").click()
    page.get_by_role("link", name="Request Physical Device").click()
    page.get_by_role("link", name="Request Physical Device").click()
    expect(page.get_by_test_id("shipping-address")).to_contain_text(US_ADDRESS.address_line)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("PIN", exact=True).fill(NEW_PIN)
    page.get_by_label("PIN again").fill(NEW_PIN)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Summary of your request")).to_be_visible()
    expect(page.get_by_test_id("shipping-address")).to_contain_text(US_ADDRESS.address_line)
    # The order is answered with the online card (G4).
    card = SecurityDevice.objects.get(authenticator__kind="online_card")
    page.get_by_label("Security device").select_option(value=str(card.pk))
    page.get_by_role("button", name="Use this device").click()
    indexes = page.get_by_test_id("challenge-value").inner_text().strip().split(",")
    page.get_by_label("Codes from your card", exact=True).fill(
        "".join(printed[index] for index in indexes)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your DSC+ is on its way")).to_be_visible()


def test_T1_T3_T5_T6_lost_card_story_from_the_call_to_the_replacement(
    page: Page, browser: Browser, live_server, support_agent
):
    base = live_server.url
    carol = stranded_client()
    lost = SecurityDevice.objects.get(user=carol).authenticator
    stock_card(REPLACEMENT)

    code = agent_issues_passcode(page, base, support_agent)

    log_in(page, base, "carol", DEFAULT_PASSWORD)
    page.get_by_label("Temporary passcode", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    expect_welcome(page, "carol")
    page.get_by_role("link", name="print or save your online security card").click()
    printed = print_online_card(page)
    log_out(page)

    log_in_with_online_card(page, base, printed)
    expect_welcome(page, "carol")
    order_replacement(page, printed)
    log_out(page)
    order = DeviceOrder.objects.get(user=carol)
    assert order.authenticator.serial == REPLACEMENT and order.replaces == lost

    shipped = order.shipped_at
    for days in (14, 20, 21):
        with time_machine.travel(shipped + timedelta(days=days, minutes=1), tick=False):
            call_command("run_due_tasks")
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.ACTIVATED

    with time_machine.travel(shipped + timedelta(days=21, minutes=5), tick=True):
        log_in(page, base, "carol", DEFAULT_PASSWORD)
        options = page.get_by_label("Security device").locator("option")
        expect(options).to_have_count(0)
        challenge = page.get_by_test_id("challenge-value").inner_text().strip()
        keypad = page.context.new_page()
        response = keypad_response(keypad, base, REPLACEMENT, challenge, pin=NEW_PIN)
        keypad.close()
        page.get_by_label("Response from your card", exact=True).fill(response)
        page.get_by_role("button", name="Continue").click()
        expect_welcome(page, "carol")
        notices = page.get_by_role("heading", name=re.compile("Your new security device activates"))
        expect(notices).to_have_count(2)

    temporary = Authenticator.objects.filter(
        user_devices__user=carol, kind__in=("temporary_passcode", "online_card")
    )
    assert set(temporary.values_list("state", flat=True)) == {Authenticator.State.REVOKED}
    story = list(
        AuditEvent.objects.filter(subject=carol)
        .order_by("at", "pk")
        .values_list("event_type", flat=True)
    )
    expected = [
        AuditEventType.DEVICE_REPORTED,
        AuditEventType.PASSCODE_ISSUED,
        AuditEventType.LOGIN_SUCCEEDED,
        AuditEventType.ONLINE_CARD_ISSUED,
        AuditEventType.LOGIN_SUCCEEDED,
        AuditEventType.DEVICE_ORDERED,
        AuditEventType.DEVICE_SHIPPED,
        AuditEventType.NOTICE_SENT,
        AuditEventType.NOTICE_SENT,
        AuditEventType.DEVICE_AUTO_ACTIVATED,
        AuditEventType.LOGIN_SUCCEEDED,
    ]
    steps = iter(story)
    assert all(step in steps for step in expected), story
    # The security e-mails of the report, the passcode, the order and the new card, and the
    # two T6 notices.
    assert [message.to for message in mail.outbox] == [["carol@example.com"]] * 6
    subjects = [message.subject for message in mail.outbox]
    assert subjects[:3] == [
        "SLS Portal: Your security device was reported lost or damaged",
        "SLS Portal: A temporary passcode was issued for your user",
        "SLS Portal: A replacement security device was ordered",
    ]
    assert "shipping to 1 M***, 62*** Springfield, US" in mail.outbox[2].body
    assert subjects[3].startswith("Your new security device activates on ")
    assert subjects[4:] == [
        "Your new security device activates tomorrow",
        "SLS Portal: A security device was added to your user",
    ]
