"""A lost security key and the way back through support, in real Chromium with its
virtual authenticator (F1 F4 with T1-T4, G3): a client whose one device is a key logs in
with it; the key is lost, so a support agent, in their own browser, finds it in the admin's
list of security keys and authenticator apps, reports it lost (the client's session ends at
once) and issues a temporary passcode. The client logs in with the passcode, which holds
withdrawals to the "none" row; the key is found, the client reactivates it by answering
with it on the reactivation page, the passcode ends, and the next login is the key's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import AuditEventType, User
from devices.kinds import Kind
from devices.models import Authenticator
from tests.devices.security_keys.helpers import key_device, security_key_give
from tests.e2e.helpers import (
    desk_log_in,
    desk_passcode_issue,
    desk_report_lost,
    expect_welcome,
    log_in,
    log_out,
)
from tests.e2e.test_security_keys_browser import ANSWER, ceremony_click, log_in_with_key
from tests.factories import DEFAULT_PASSWORD, UserFactory
from withdrawals.selectors import NO_PERMANENT_DEVICE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY_NAME = "Blue key"


def agent_reports_key_lost(desk: Page, base: str, agent: User, key: Authenticator) -> None:
    """The support desk finds the caller's key by the name they gave it, in the list of
    security keys and authenticator apps, and marks it lost."""
    desk_log_in(desk, base, agent)
    desk_report_lost(desk, "Security keys and authenticator apps", search=KEY_NAME, row_text="kate")
    expect(desk.get_by_text(f"{key} marked lost.")).to_be_visible()


def agent_issues_passcode(desk: Page, user: User) -> str:
    code = desk_passcode_issue(desk, user)
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    return code


def test_F1_T1_T4_G3_lost_key_recovered_through_support_then_reactivated(
    page, browser, webauthn_origin, virtual_authenticator, support_agent
):
    base = webauthn_origin
    user = UserFactory(username="kate", device=False)
    virtual_authenticator.credential_import(security_key_give(user, KEY_NAME))
    key = key_device(user).authenticator

    # The key logs in: password, then "Use security key".
    log_in_with_key(page, base, "kate")

    # The key is lost: support reports it in the admin, in the agent's own browser.
    desk = browser.new_context().new_page()
    agent_reports_key_lost(desk, base, support_agent, key)
    key.refresh_from_db()
    assert key.state == Authenticator.State.LOST
    # G3: the client's session ended with the report; the next page load asks to log in.
    page.reload()
    expect(page.get_by_role("heading", name="Client Portal login")).to_be_visible()
    code = agent_issues_passcode(desk, user)
    desk.context.close()

    # The passcode is offered, the lost key is not; it logs in.
    log_in(page, base, "kate", DEFAULT_PASSWORD)
    expect(page.get_by_label("Temporary passcode", exact=True)).to_be_visible()
    expect(page.get_by_label("Security device")).to_have_count(0)
    expect(page.locator(ANSWER)).to_have_count(0)
    page.get_by_label("Temporary passcode", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    expect_welcome(page, "kate")
    expect(page.get_by_role("link", name="print or save your online security card")).to_be_visible()

    # Without an active permanent device, withdrawals are held to the "none" row.
    page.get_by_role("link", name="Withdraw funds").click()
    expect(page.get_by_test_id("tier")).to_have_text("None")
    expect(page.get_by_test_id("tier-reason")).to_have_text(NO_PERMANENT_DEVICE, ignore_case=True)
    expect(page.get_by_test_id("available-today")).to_contain_text("USD 50,000.00")
    page.get_by_label("Amount (USD)").fill("60,000")
    page.get_by_label("Destination bank account (IBAN or account number)").fill(
        "GB82 WEST 1234 5698 7654 32"
    )
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("alert")).to_contain_text("Still available: USD 50,000.00 today")

    # T4: the key is found; the client answers with it on the reactivation page.
    page.get_by_role("link", name="Settings: Secure Login System").click()
    page.get_by_label("Device to reactivate").select_option(value=str(key_device(user).pk))
    page.get_by_role("button", name="Reactivate security device").click()
    expect(page.get_by_role("heading", name="Reactivate security device")).to_be_visible()
    expect(page.get_by_label("Answer from your security key")).to_have_count(0)
    ceremony_click(page, ANSWER)
    expect(page.get_by_role("status").first).to_contain_text("Your security device is active again")

    key.refresh_from_db()
    assert key.state == Authenticator.State.ACTIVE
    assert key.counter == virtual_authenticator.credential()["signCount"] == 2
    passcode = Authenticator.objects.get(kind=Kind.TEMPORARY_PASSCODE, user_devices__user=user)
    assert passcode.state == Authenticator.State.REVOKED
    assert user.audit_events.get(event_type=AuditEventType.DEVICE_REPORTED).actor == support_agent

    # The next login is the key's again, with no passcode to choose.
    log_out(page)
    log_in(page, base, "kate", DEFAULT_PASSWORD)
    expect(page.get_by_label("Security device")).to_have_count(0)
    expect(page.get_by_label("Temporary passcode", exact=True)).to_have_count(0)
    ceremony_click(page, ANSWER)
    expect_welcome(page, "kate")
    key.refresh_from_db()
    assert key.counter == 3
