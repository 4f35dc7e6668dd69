"""An added authenticator app answers through the one gate like every other device (G1,
F3): the portal login offers it beside the card (L4, M2FS), the trading API logs in with
it, it approves a fresh factor, and a withdrawal it approves stands at the SMS row (W1).
Each code is taken once, the enrolment's first code included (D2); another user's app
answers nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import LoginFailure, User
from devices.models import SecurityDevice
from devices.temporary.services import device_report
from tests.accounts.sls_helpers import logged_in
from tests.devices.authenticator_app.helpers import (
    CONFIRM,
    START,
    STEP,
    app_code,
    enrol,
    shown_secret,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import device_page, is_logged_in, post_login
from tests.trading.api import ask, begin, verify
from tests.withdrawals.helpers import review, send
from withdrawals.services.refusals import WithdrawalRefused

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 9, 0, 5, tzinfo=dt.UTC)
LOGIN_DEVICE = reverse("devices:login_device")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def with_app(user: User, name: str = "My phone") -> tuple[SecurityDevice, str]:
    """`user` adds an app in the portal and logs out; the device and the app's secret."""
    browser = logged_in(user)
    device, secret = enrol(browser, user, name)
    browser.post(reverse("accounts:logout"))
    return device, secret


@pytest.fixture
def holder(clock):
    """A user with a DSC+ who added an app at NOW, and the app's secret."""
    user = UserFactory()
    device, secret = with_app(user)
    return user, device, secret


def app_login(client: Client, user: User, device: SecurityDevice, code: str):
    """The password, the app chosen in the M2FS chooser, then `code`."""
    post_login(client, user.username, DEFAULT_PASSWORD)
    page = device_page(client, device)
    assert page.context["device"] == device
    return client.post(
        LOGIN_DEVICE,
        {"device": device.pk, "challenge": page.context["challenge"].pk, "response": code},
    )


def test_F3_L4_portal_login_offers_the_app_and_takes_its_code(client, holder, clock):
    user, app, secret = holder
    clock.shift(STEP)

    first = post_login(client, user.username, DEFAULT_PASSWORD)
    chosen = device_page(client, app)
    response = app_login(client, user, app, app_code(secret))

    assert first.context["device"].authenticator.kind == "dsc_plus"
    assert app in first.context["devices"]
    assert b"Authenticator app" in first.content
    assert chosen.context["prompt"].startswith("Open your authenticator app")
    assert response.status_code == 302
    assert is_logged_in(client)
    app.authenticator.refresh_from_db()
    assert app.authenticator.last_used_at == NOW + STEP


def test_F3_D2_the_enrolment_code_does_not_log_in(client, holder):
    user, app, secret = holder

    response = app_login(client, user, app, app_code(secret))

    assert response.status_code == 200
    assert not is_logged_in(client)
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_F3_D2_a_code_logs_in_once(client, holder, clock):
    user, app, secret = holder
    clock.shift(STEP)
    code = app_code(secret)
    assert app_login(client, user, app, code).status_code == 302
    client.post(reverse("accounts:logout"))

    again = app_login(client, user, app, code)

    assert again.status_code == 200
    assert not is_logged_in(client)
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_F3_code_of_another_users_app_is_refused(client, holder, clock):
    user, app, _ = holder
    other = UserFactory()
    other_app, other_secret = with_app(other)
    clock.shift(STEP)
    code = app_code(other_secret)

    typed_into_own = app_login(client, user, app, code)
    client.post(reverse("accounts:logout"))
    post_login(client, user.username, DEFAULT_PASSWORD)
    page = device_page(client)
    named_other = client.post(
        LOGIN_DEVICE,
        {"device": other_app.pk, "challenge": page.context["challenge"].pk, "response": code},
    )

    assert typed_into_own.status_code == 200 and named_other.status_code == 200
    assert not is_logged_in(client)
    assert LoginFailure.objects.filter(user=user).count() == 2
    assert app_login(Client(), other, other_app, code).status_code == 302


def test_F3_F4_trading_login_with_an_app_code(client, holder, clock):
    user, app, secret = holder
    clock.shift(STEP)
    login_id = begin(client, user.username, DEFAULT_PASSWORD).json()["login_id"]
    asked = ask(client, login_id, app.pk).json()

    response = verify(client, login_id, asked, app_code(secret))

    assert asked["device_id"] == app.pk
    assert response.status_code == 200, response.content
    assert response.json()["session"]["device"]["kind"] == "authenticator_app"


def test_F3_D2_trading_login_refuses_a_code_already_taken(client, holder, clock):
    user, app, secret = holder
    clock.shift(STEP)
    code = app_code(secret)
    first = begin(client, user.username, DEFAULT_PASSWORD).json()["login_id"]
    assert verify(client, first, ask(client, first, app.pk).json(), code).status_code == 200

    second = begin(client, user.username, DEFAULT_PASSWORD).json()["login_id"]
    response = verify(client, second, ask(client, second, app.pk).json(), code)

    assert response.status_code == 401
    assert response.json() == {"error": "login_failed", "detail": "Login failed"}


def test_F3_G2_an_app_answers_the_fresh_factor_of_adding_another(holder, clock):
    user, app, secret = holder
    clock.shift(STEP)
    browser = Client()
    assert app_login(browser, user, app, app_code(secret)).status_code == 302
    clock.shift(STEP)

    page = browser.get(START, {"device": app.pk})
    fresh = page.context["fresh_factor"]
    response = browser.post(
        START,
        {
            "name": "Tablet",
            "device": fresh["device"].pk,
            "challenge": fresh["challenge"].pk,
            "response": app_code(secret),
        },
    )
    second_secret = shown_secret(browser)
    clock.shift(STEP)
    browser.post(CONFIRM, {"code": app_code(second_secret)})

    assert fresh["device"] == app
    assert response.status_code == 302 and response.url == CONFIRM
    assert SecurityDevice.objects.filter(user=user, name="Tablet").exists()


@pytest.fixture
def app_only(holder, support_agent):
    """The user's DSC+ reported lost: the app is the only permanent device left."""
    user, app, secret = holder
    card = SecurityDevice.objects.get(user=user, authenticator__kind="dsc_plus").authenticator
    device_report(authenticator=card, state="lost", agent=support_agent, client=SYSTEM)
    return user, app, secret


def test_F3_W1_withdrawal_approved_by_the_app_stands_at_the_sms_row(app_only, clock):
    user, app, secret = app_only
    clock.shift(STEP)

    with pytest.raises(WithdrawalRefused) as over:
        review(user, "200000.01", device_id=app.pk)
    intent, challenge = review(user, "200000.00", device_id=app.pk)
    accepted = send(user, intent, challenge, app_code(secret)).withdrawal

    assert "Still available: USD 200,000.00 today" in over.value.message
    assert intent.device == app
    assert (accepted.amount, accepted.tier) == (Decimal("200000.00"), "sms")
    assert app.authenticator.serial in accepted.tier_reason


def test_F3_D2_a_withdrawal_code_is_taken_once(app_only, clock):
    user, app, secret = app_only
    clock.shift(STEP)
    code = app_code(secret)
    intent, challenge = review(user, "100.00", device_id=app.pk)
    send(user, intent, challenge, code)

    second, second_challenge = review(user, "100.00", device_id=app.pk)
    with pytest.raises(WithdrawalRefused):
        send(user, second, second_challenge, code)

    assert LoginFailure.objects.filter(user=user).count() == 1
