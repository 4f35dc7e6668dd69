"""A security key answers the login in real Chromium (F1): static/js/webauthn-answer.js
hands the page's options to WebAuthn, a virtual authenticator holding the key signs, and
the form posts the assertion. Without WebAuthn, or with a key that is not the registered
one, the page says what to do and nothing is posted or counted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import LoginFailure
from tests.devices.security_keys.helpers import (
    key_device,
    security_key_give,
    virtual_key_install,
)
from tests.e2e.axe import described, violations_of
from tests.e2e.helpers import expect_welcome, log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def key_holder(live_server, settings):
    """A client whose one device is a security key registered for the live server."""
    settings.SLS_WEBAUTHN_ORIGINS = [live_server.url]
    user = UserFactory(username="kim", device=False)
    return user, security_key_give(user, name="Blue key")


# Browsers before 2024 have neither JSON helper: the script encodes and decodes itself.
WITHOUT_JSON_HELPERS = (
    "delete PublicKeyCredential.parseRequestOptionsFromJSON;"
    "delete PublicKeyCredential.prototype.toJSON;"
)


@pytest.mark.parametrize("helpers", ["native", "without"])
def test_F1_login_with_a_security_key_in_chromium(page, live_server, key_holder, helpers):
    user, key = key_holder
    virtual_key_install(page, key)
    if helpers == "without":
        page.add_init_script(WITHOUT_JSON_HELPERS)
    console = []
    page.on("console", lambda message: console.append(message.text))

    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    expect(page.locator("#webauthn-unavailable")).to_be_hidden()
    page.get_by_role("button", name="Use security key").click()

    expect_welcome(page, user.username)
    assert key_device(user).authenticator.counter == 1
    # The script and its options load under the portal's Content-Security-Policy.
    assert not [text for text in console if "Content Security Policy" in text]


def test_F1_the_continue_button_asks_the_key_too(page, live_server, key_holder):
    user, key = key_holder
    virtual_key_install(page, key)

    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Continue").click()

    expect_welcome(page, user.username)


def test_F1_a_browser_without_webauthn_is_told_what_to_do(page, live_server, key_holder):
    user, _ = key_holder
    page.add_init_script("delete window.PublicKeyCredential;")

    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    page.get_by_role("button", name="Use security key").click()

    notice = page.locator("#webauthn-unavailable")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("This browser cannot use a security key or passkey.")
    expect(notice).to_contain_text("Plug in or unlock your security key")
    blocking = violations_of(page)
    assert not blocking, described(blocking)
    page.get_by_role("button", name="Continue").click()
    expect(notice).to_be_visible()
    assert LoginFailure.objects.filter(user=user).count() == 0


def test_F1_a_key_that_is_not_the_registered_one_is_told_what_to_do(page, live_server, key_holder):
    user, key = key_holder
    virtual_key_install(page, key, with_credential=False)

    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    page.get_by_role("button", name="Use security key").click()

    notice = page.locator("#webauthn-unavailable")
    expect(notice).to_be_visible(timeout=30_000)
    expect(notice).to_contain_text("choose another of your security devices")
    expect(page.get_by_role("button", name="Use security key")).to_be_enabled()
    assert LoginFailure.objects.filter(user=user).count() == 0
