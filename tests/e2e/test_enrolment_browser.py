"""Enrolment of a new applicant in real Chromium (E1, K1, S1): the first login asks for a
mobile number, the code arrives by text message, and SMS becomes the device."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from devices.gateways.locmem import sent
from tests.e2e.helpers import log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_E1_new_applicant_enrols_a_mobile_number_and_lands_on_the_sls_page(page: Page, live_server):
    applicant = UserFactory(
        username="applicant", device=False, client__mobile_number="+447400123456"
    )

    log_in(page, live_server.url, applicant.username, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Confirm your mobile number")).to_be_visible()
    expect(page.get_by_test_id("numbers-on-record")).to_contain_text("••• 3456")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Mobile number").fill("07400123456")
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_text("Leave out the leading 0 (the trunk prefix).")).to_be_visible()
    assert sent == []

    page.get_by_label("Mobile number").fill("7400123456")
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_text("••• 3456")).to_be_visible()
    assert [message.to for message in sent] == ["+447400123456"]
    code = re.search(r"\b(\d{6})\b", sent[-1].body).group(1)
    page.get_by_label("Code from the text message").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Secure Login System")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Your mobile number is confirmed; SMS is your security device until you activate IB Key."
    )
    expect(page.get_by_role("cell", name="SMS", exact=True)).to_be_visible()


def test_G2_E1_applicant_without_a_number_on_record_is_told_to_call_client_services(
    page: Page, live_server
):
    applicant = UserFactory(username="nonumber", device=False)

    log_in(page, live_server.url, applicant.username, DEFAULT_PASSWORD)

    expect(page.get_by_test_id("no-number-on-record")).to_contain_text("call Client Services")
    expect(page.get_by_label("Mobile number")).to_have_count(0)
    assert sent == []
