"""SMS login in Chromium (S1, S2): the code is read from the simulated phone's inbox in a
second page, by text message and by voice call."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"code: (\d{6})")
SPOKEN_CODE = re.compile(r"code is ((?:\d, ){5}\d)")


@pytest.fixture(autouse=True)
def _outbox_gateway(settings):
    settings.SLS_MESSAGE_GATEWAY = "devices.gateways.outbox.OutboxGateway"


def inbox_text(phone: Page, base_url: str, number: str, testid: str) -> str:
    phone.goto(f"{base_url}/simulators/phone/inbox/?number={number.replace('+', '%2B')}")
    return phone.get_by_test_id(testid).locator(".inbox-body").first.inner_text()


def finish(page: Page, code: str) -> None:
    page.get_by_label("Code from the text message").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Welcome, sam")).to_be_visible()


def test_S1_sms_login_with_the_code_from_the_inbox(page, live_server):
    user = UserFactory(username="sam", device="sms")
    number = user.securitydevice_set.get().authenticator.phone_number

    log_in(page, live_server.url, "sam", DEFAULT_PASSWORD)
    expect(page.get_by_text("We sent a code by text message")).to_be_visible()
    phone = page.context.new_page()
    code = CODE.search(inbox_text(phone, live_server.url, number, "text-messages")).group(1)

    finish(page, code)


def test_S2_voice_call_reads_the_same_code(page, live_server):
    user = UserFactory(username="sam", device="sms")
    number = user.securitydevice_set.get().authenticator.phone_number

    log_in(page, live_server.url, "sam", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Call me instead").click()
    expect(page.get_by_text("We are calling your phone")).to_be_visible()
    phone = page.context.new_page()
    spoken = SPOKEN_CODE.search(inbox_text(phone, live_server.url, number, "voice-calls"))

    finish(page, spoken.group(1).replace(", ", ""))
