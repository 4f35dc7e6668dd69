"""The support desk in real Chromium (T1): the agent logs into the admin with their own
card, marks the caller's lost DSC+ as lost, issues a temporary passcode and reads it off
the page; the caller logs in with it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from playwright.sync_api import expect

from accounts.models import AuditEventType
from devices.models import Authenticator
from tests.e2e.helpers import answer, device_step, expect_welcome, log_in, log_out, password_step
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_T1_D3_agent_issues_a_temporary_passcode_in_the_admin(page, live_server, support_agent):
    caller = UserFactory(username="carol", device="dsc_plus")

    page.goto(f"{live_server.url}/admin/")
    password_step(page, "agent", DEFAULT_PASSWORD)
    device_step(page, live_server.url, support_agent, "scc")

    page.get_by_role("link", name="Authenticators").click()
    page.get_by_role("textbox").first.fill("carol")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("row").filter(has_text="DSC").get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("report_lost")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text(re.compile(r"DSC_PLUS-\w+ marked lost\."))).to_be_visible()

    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="carol", exact=True).click()
    page.get_by_role("link", name="Issue temporary passcode").click()
    document = caller.client.id_document_number
    expect(page.get_by_text(f"Passport ending {document[-4:]}")).to_be_visible()
    assert document not in page.content() and "1985-01-01" not in page.content()
    page.get_by_label("Date of birth").fill("1985-01-01")
    page.get_by_label("Identification document number").fill(f" {document.lower()} ")
    page.get_by_label("Device lost").check()
    page.get_by_label("I am on the telephone with the caller").check()
    page.get_by_role("button", name="Check and issue temporary passcode").click()

    expect(page.get_by_test_id("identification-result")).to_contain_text("Date of birth: match")
    code = page.get_by_label("Temporary passcode").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    expect(page.get_by_text("Type the passcode in upper-case letters")).to_be_visible()
    passcode = Authenticator.objects.get(kind="temporary_passcode", user_devices__user=caller)
    assert check_password(code, passcode.code_hash)
    event = caller.audit_events.get(event_type=AuditEventType.PASSCODE_ISSUED)
    assert event.actor == support_agent
    assert event.detail["confirmed"] == ["date_of_birth", "id_document"]

    page.reload()
    expect(page.get_by_text("a passcode is shown only once")).to_be_visible()
    assert code not in page.content()
    log_out(page)

    log_in(page, live_server.url, "carol", DEFAULT_PASSWORD)
    answer(page, "Temporary passcode", code)
    expect_welcome(page, "carol")
