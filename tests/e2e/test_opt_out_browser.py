"""O2 in real Chromium: the primary user opens Secure Login Settings through its gear, opts
out after the risks page by answering the DSC+ again (through its simulator), then opts
back in with "I want to always use my Secure Login Device when logging in"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account, LoginFailure
from tests.e2e.helpers import answer, device_step, expect_welcome, log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_secure_login_settings(page: Page) -> None:
    page.get_by_role("link", name="Settings: Secure Login System").click()
    expect(page.get_by_role("heading", name="Secure Login Settings")).to_be_visible()
    page.get_by_role("link", name="Configure Secure Login Settings").click()


def confirm_updated(page: Page) -> None:
    expect(page.get_by_role("status")).to_have_text("Your settings have been updated.")
    page.get_by_role("link", name="OK").click()


def test_O2_opt_out_with_the_device_then_back_in(page, live_server):
    user = UserFactory(username="olivia", device="dsc_plus")
    log_in(page, live_server.url, "olivia", DEFAULT_PASSWORD)
    device_step(page, live_server.url, user, "dsc_plus")
    expect_welcome(page, "olivia")

    open_secure_login_settings(page)
    page.get_by_label("Secure Login not required for trading").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="the risks")).to_be_visible()
    expect(page.get_by_text("cannot trade Pink Sheet or OTCBB stocks")).to_be_visible()
    page.get_by_label("I have read the risks above").check()
    device_step(page, live_server.url, user, "dsc_plus")
    confirm_updated(page)

    expect(page.get_by_test_id("sls-status")).to_contain_text(
        "Secure Login not required for trading."
    )
    assert Account.objects.get(pk=user.account_id).sls_opted_out

    open_secure_login_settings(page)
    page.get_by_label("I want to always use my Secure Login Device when logging in").check()
    page.get_by_role("button", name="Continue").click()
    confirm_updated(page)

    expect(page.get_by_test_id("sls-status")).to_contain_text("Secure Login is required")
    assert not Account.objects.get(pk=user.account_id).sls_opted_out


def test_O2_wrong_device_answer_says_login_failed_and_keeps_sls(page, live_server):
    user = UserFactory(username="oscar", device="dsc_plus")
    log_in(page, live_server.url, "oscar", DEFAULT_PASSWORD)
    device_step(page, live_server.url, user, "dsc_plus")
    open_secure_login_settings(page)
    page.get_by_label("Secure Login not required for trading").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I have read the risks above").check()

    answer(page, "Response from your card", "00000000")

    expect(page.get_by_role("alert")).to_have_text("Login failed")
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert not Account.objects.get(pk=user.account_id).sls_opted_out


def test_O1_other_user_sees_who_can_change_the_settings(page, live_server):
    primary = UserFactory(username="pat", device="dsc_plus")
    other = UserFactory(
        username="quinn", client=primary.client, account=primary.account, primary=False
    )
    log_in(page, live_server.url, "quinn", DEFAULT_PASSWORD)
    device_step(page, live_server.url, other, "dsc_plus")
    page.get_by_role("link", name="Settings: Secure Login System").click()

    expect(page.get_by_role("note")).to_contain_text("The user who can is pat")
    expect(page.get_by_role("link", name="Configure Secure Login Settings")).to_have_count(0)
