"""IB Key in real Chromium (K1, K2): the phone is a second browser context running the
IBKR Mobile simulator; the login page waits for it, or falls back to a challenge."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from devices.assurance import Action
from devices.flows.device_step import step_devices
from devices.gateways.locmem import sent
from tests.devices.ib_key.app import shown_challenge
from tests.e2e.helpers import ANY_TEXT, expect_welcome, log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import card_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP_PIN = "7a#2"
ON_RECORD = "+447400123456"


@pytest.fixture
def phone(browser: Browser):
    """The client's phone: a browser context of its own, apart from the computer's."""
    context = browser.new_context()
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    yield phone
    context.close()


def activate_on_phone(phone: Page, base_url: str, user: User) -> str:
    """K1 from the portal's QR code: install the app, then user name and password, the
    answer of a permanent device when the user holds one (G2), mobile number, the texted
    code, a PIN. The app page's address."""
    phone.goto(f"{base_url}/simulators/phone/activate/?username={user.username}")
    phone.get_by_label("Platform").select_option("ios")
    phone.get_by_label("OS version").fill("17.4")
    phone.get_by_role("button", name="Install IBKR Mobile").click()
    expect(phone.get_by_label("User name")).to_have_value(user.username)
    phone.get_by_label("Password").fill(DEFAULT_PASSWORD)
    phone.get_by_role("button", name="Continue").click()
    if step_devices(user, Action.ACTIVATE_IB_KEY):
        challenge = phone.get_by_test_id("activation-challenge")
        expect(challenge).to_be_visible()
        device = shown_challenge(user)[0]
        response = card_answer(device, challenge.inner_text().strip())
        phone.locator("#id_response").fill(response)
        phone.get_by_role("button", name="Continue").click()
        expect(phone.get_by_text("Your security device answered.")).to_be_visible()
    phone.get_by_label("Country").select_option("GB")
    phone.get_by_label("Mobile number (digits only)").fill("7400123456")
    phone.get_by_role("button", name="Send activation code").click()
    expect(phone.get_by_role("link", name="Open the inbox of +447400123456")).to_be_visible()
    code = re.search(r"code: (\d+)", sent[-1].body).group(1)
    phone.get_by_label("Activation code").fill(code)
    phone.get_by_label("Choose a PIN").fill(APP_PIN)
    phone.get_by_role("button", name="Activate").click()
    expect(phone.get_by_text(f"IB Key is active for {user.username}.")).to_be_visible()
    return phone.url


def answer_notification(phone: Page, app_url: str, number: str) -> None:
    """Open the app, type the number and approve with the PIN."""
    phone.goto(app_url)
    request = phone.get_by_test_id("push-request")
    request.get_by_label("Number shown at login").fill(number)
    request.get_by_label("PIN", exact=True).fill(APP_PIN)
    request.get_by_role("button", name="Approve with PIN").click()


def push_number(page: Page) -> str:
    expect(page.get_by_text("Approve the notification in IBKR Mobile")).to_be_visible()
    number = page.get_by_test_id("push-number")
    expect(number).to_have_text(re.compile(r"^\s*\d{2}\s*$"))
    return number.inner_text().strip()


def test_K1_K2_activate_on_the_phone_then_approve_the_login(page: Page, phone: Page, live_server):
    user = UserFactory(device=False, client__mobile_number=ON_RECORD)
    app_url = activate_on_phone(phone, live_server.url, user)

    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    answer_notification(phone, app_url, push_number(page))

    expect(phone.get_by_text("Approved. The login continues on the other screen.")).to_be_visible()
    expect_welcome(page, user.username)


def test_K2_challenge_and_response_when_no_notification_arrives(
    page: Page, phone: Page, live_server
):
    user = UserFactory(device=False, client__mobile_number=ON_RECORD)
    app_url = activate_on_phone(phone, live_server.url, user)
    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    push_number(page)

    page.get_by_role("link", name="Click here if you do not receive the notification").click()
    challenge = page.get_by_test_id("challenge-value")
    expect(challenge).to_have_text(ANY_TEXT)
    phone.goto(app_url)
    authenticate = phone.locator("section", has=phone.get_by_role("heading", name="Authenticate"))
    authenticate.get_by_label("PIN", exact=True).fill(APP_PIN)
    authenticate.get_by_label("Challenge").fill(challenge.inner_text().strip())
    authenticate.get_by_role("button", name="Generate response").click()
    display = phone.locator("output[data-testid=app-display]")
    expect(display).to_have_text(ANY_TEXT)
    page.get_by_label("Response from the IBKR Mobile app").fill(display.inner_text().strip())
    page.get_by_role("button", name="Continue").click()

    expect_welcome(page, user.username)


def test_K2_wrong_number_on_the_phone_fails_the_login(page: Page, phone: Page, live_server):
    user = UserFactory(device=False, client__mobile_number=ON_RECORD)
    app_url = activate_on_phone(phone, live_server.url, user)
    log_in(page, live_server.url, user.username, DEFAULT_PASSWORD)
    number = push_number(page)

    answer_notification(phone, app_url, "10" if number != "10" else "11")

    expect(phone.get_by_text("Denied: the number did not match")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("Login failed")


def test_G2_K1_card_holder_answers_the_card_in_the_app_before_the_number(
    page: Page, phone: Page, live_server
):
    user = UserFactory()

    activate_on_phone(phone, live_server.url, user)

    expect(phone.get_by_test_id("app-users")).to_contain_text(user.username)
    assert user.securitydevice_set.filter(authenticator__kind="ib_key", confirmed=True).exists()
