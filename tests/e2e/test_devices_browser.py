"""The device step in real Chromium, answered with each kind's simulator in a second page,
as the person holding the card would: D1 (OCRA, HOTP, TOTP), D3, L4 (M2FS) and L5."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import LoginFailure, User
from tests.e2e.helpers import (
    answer,
    card_of,
    challenge_of,
    device_step,
    expect_welcome,
    keypad_press,
    keypad_response,
    log_in,
    serial_of,
)
from tests.factories import DEFAULT_PASSWORD, DEFAULT_PIN, UserFactory, give_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_with_device(
    page: Page, base_url: str, user: User, kind: str, pin: str = DEFAULT_PIN
) -> None:
    log_in(page, base_url, user.username, DEFAULT_PASSWORD)
    device_step(page, base_url, user, kind, pin=pin)
    expect_welcome(page, user.username)


def test_D1_dsc_plus_keypad_login(page, live_server):
    user = UserFactory(username="dscplus", device="dsc_plus")
    log_in_with_device(page, live_server.url, user, "dsc_plus")


def test_D1_dsc_keypad_login_without_pin(page, live_server):
    user = UserFactory(username="dsc", device="dsc")
    log_in_with_device(page, live_server.url, user, "dsc", pin="")


def test_D3_scc_codes_from_the_printed_card_typed_without_spaces(page, live_server):
    user = UserFactory(username="scc", device="scc")
    log_in_with_device(page, live_server.url, user, "scc")


def test_D1_platinum_totp_login(page, live_server):
    user = UserFactory(username="platinum", device="platinum")
    log_in_with_device(page, live_server.url, user, "platinum")


def test_D1_gold_hotp_login(page, live_server):
    user = UserFactory(username="gold", device=False)
    give_device(user, "gold", otp_mode="hotp")
    log_in_with_device(page, live_server.url, user, "gold")


def test_L5_wrong_response_says_login_failed(page, live_server):
    user = UserFactory(username="carol", device="dsc_plus")
    log_in(page, live_server.url, "carol", DEFAULT_PASSWORD)
    first_challenge = challenge_of(page)
    first_challenge_id = page.locator("input[name=challenge]").input_value()
    card = page.context.new_page()
    right = keypad_response(card, live_server.url, serial_of(user), first_challenge)
    card.close()
    wrong = right[:-1] + str((int(right[-1]) + 1) % 10)

    answer(page, "Response from your card", wrong)

    expect(page.get_by_role("alert")).to_have_text("Login failed")
    expect(page.locator("input[name=challenge]")).not_to_have_value(first_challenge_id)
    assert LoginFailure.objects.filter(user=user).count() == 1
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Client Portal login")).to_be_visible()


def test_L4_m2fs_chooser_preselects_strongest(page, live_server):
    user = UserFactory(username="dave", device="dsc_plus")
    give_device(user, "scc")
    log_in(page, live_server.url, "dave", DEFAULT_PASSWORD)

    chooser = page.get_by_label("Security device")
    expect(chooser).to_have_value(str(card_of(user, "dsc_plus").pk))
    expect(page.get_by_label("Response from your card")).to_be_visible()

    chooser.select_option(str(card_of(user, "scc").pk))
    page.get_by_role("button", name="Use this device").click()
    expect(page.get_by_test_id("challenge-value")).to_have_text(re.compile(r"^\d+,\d+$"))
    device_step(page, live_server.url, user, "scc")
    expect_welcome(page, "dave")


def test_D1_dsc_plus_keypad_wrong_pin_shows_no_response(page, live_server):
    user = UserFactory(username="erin", device="dsc_plus")
    log_in(page, live_server.url, "erin", DEFAULT_PASSWORD)
    challenge = challenge_of(page)

    card = page.context.new_page()
    keypad_press(card, live_server.url, serial_of(user), challenge, pin="9999")

    expect(card.get_by_role("alert")).to_have_text("PIN incorrect.")
    expect(card.locator("output[data-testid=card-display]")).to_be_empty()
