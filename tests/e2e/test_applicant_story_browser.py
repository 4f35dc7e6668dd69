"""The whole story of a new applicant in Chromium (E1, K1, K2, K7): enrol a mobile number
with SMS, follow the invitation to the simulated phone, activate IB Key there (which
retires the SMS device), then log in by approving a push with number matching."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from devices.gateways.locmem import sent
from tests.e2e.helpers import expect_welcome, log_in, log_out
from tests.e2e.test_ib_key_browser import APP_PIN, answer_notification, push_number
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def texted_code(pattern: str = r"code: (\d{6})") -> str:
    return re.search(pattern, sent[-1].body).group(1)


def test_E1_K7_applicant_enrols_activates_ib_key_and_logs_in_by_push(page: Page, live_server):
    UserFactory(username="newbie", device=False, client__mobile_number="+447400123456")

    log_in(page, live_server.url, "newbie", DEFAULT_PASSWORD)
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Mobile number").fill("7400123456")
    page.get_by_role("button", name="Send code").click()
    page.get_by_label("Code from the text message").fill(texted_code())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate IB Key")).to_be_visible()
    expect(page.get_by_test_id("ib-key-qr")).to_be_visible()

    phone = page.context.browser.new_context().new_page()
    phone.goto(page.get_by_role("link", name="Open on the simulated phone").get_attribute("href"))
    phone.get_by_label("Platform").select_option("android")
    phone.get_by_label("OS version").fill("14")
    phone.get_by_role("button", name="Install IBKR Mobile").click()
    expect(phone.get_by_label("User name")).to_have_value("newbie")
    phone.get_by_label("Password").fill(DEFAULT_PASSWORD)
    phone.get_by_role("button", name="Continue").click()
    # G2: the SMS device confirmed at enrolment answers before any number is given.
    expect(phone.get_by_role("heading", name="Answer your security device")).to_be_visible()
    phone.get_by_label("Code from the text message").fill(texted_code(r"login code: (\d{6})"))
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("Your security device answered.")).to_be_visible()
    phone.get_by_label("Country").select_option("GB")
    phone.get_by_label("Mobile number (digits only)").fill("7400123456")
    phone.get_by_role("button", name="Send activation code").click()
    phone.get_by_label("Activation code").fill(texted_code())
    phone.get_by_label("Choose a PIN").fill(APP_PIN)
    phone.get_by_role("button", name="Activate").click()
    expect(phone.get_by_text("IB Key is active for newbie.")).to_be_visible()
    app_url = phone.url

    page.reload()
    expect(page.get_by_role("heading", name="Activate IB Key")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="SMS")).to_contain_text("Revoked")
    log_out(page)

    log_in(page, live_server.url, "newbie", DEFAULT_PASSWORD)
    answer_notification(phone, app_url, push_number(page))
    expect_welcome(page, "newbie")
