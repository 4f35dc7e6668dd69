"""Push login on the portal (K2): the page shows a 2-digit number and waits; a signed
approval with that number completes the login once, and the approval method is kept on
the session (K5); a denial, another login's request or an expired one is "Login failed"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.login_flow import APPROVAL_METHOD_KEY
from accounts.models import LoginFailure
from devices.ib_key.push import push_decide
from devices.ocra import ocra_response
from tests.devices.ib_key.app import install_app
from tests.factories import UserFactory
from tests.login_helpers import device_page, is_logged_in, post_login

pytestmark = pytest.mark.django_db

DEVICE_URL = "devices:login_device"


@pytest.fixture
def app_user(db):
    user = UserFactory(device=False)
    return user, install_app(user)


def push_page(client, user, password):
    post_login(client, user.username, password)
    return device_page(client)


def decide(app, push, number=None, decision="approve", method="pin"):
    number = push.number if number is None else number
    return push_decide(
        push_id=push.pk,
        installation_id=app.installation_id,
        typed_number=number,
        decision=decision,
        method=method,
        signature=app.sign(push.pk, number, decision),
        client=SYSTEM,
    )


def status(client, push):
    url = reverse("devices:login_push_status")
    return client.get(url, {"push": push.pk}).json()["status"]


def complete(client, push):
    return client.post(reverse(DEVICE_URL), {"push": push.pk})


def test_K2_login_page_shows_a_two_digit_number_and_waits(client, app_user, password):
    user, _ = app_user
    page = push_page(client, user, password)
    push = page.context["push"]

    assert len(push.number) == 2 and push.number.isdigit()
    assert push.number.encode() in page.content
    assert b"Click here if you do not receive the notification" in page.content
    assert status(client, push) == "pending"


@pytest.mark.parametrize("method", ["pin", "biometric"])
def test_K2_K5_approval_completes_the_login_and_records_the_method(
    client, app_user, password, method
):
    user, app = app_user
    push = push_page(client, user, password).context["push"]

    decide(app, push, method=method)

    assert status(client, push) == "approved"
    assert complete(client, push).status_code == 302
    assert is_logged_in(client)
    assert client.session[APPROVAL_METHOD_KEY] == method


def test_K2_approval_is_used_once(client, app_user, password):
    user, app = app_user
    push = push_page(client, user, password).context["push"]
    decide(app, push)
    complete(client, push)
    client.post(reverse("accounts:logout"))

    post_login(client, user.username, password)
    replay = complete(client, push)

    assert b"Login failed" in replay.content
    assert not is_logged_in(client)


def test_K2_wrong_number_denies_and_fails_the_login(client, app_user, password):
    user, app = app_user
    push = push_page(client, user, password).context["push"]
    wrong = f"{(int(push.number) + 1) % 90 + 10}"

    decide(app, push, number=wrong)

    assert status(client, push) == "denied"
    response = complete(client, push)
    assert b"Login failed" in response.content
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert not is_logged_in(client)


def test_K2_not_approved_yet_cannot_complete(client, app_user, password):
    user, _ = app_user
    push = push_page(client, user, password).context["push"]

    assert b"Login failed" in complete(client, push).content
    assert not is_logged_in(client)


def test_K2_approval_of_another_login_is_refused(client, app_user, password):
    user, app = app_user
    other_browser_push = push_page(client, user, password).context["push"]
    decide(app, other_browser_push)
    attacker = Client()
    post_login(attacker, user.username, password)

    response = complete(attacker, other_browser_push)

    assert b"Login failed" in response.content
    assert attacker.get(reverse("accounts:dashboard")).status_code == 302


def test_K2_expired_request_is_refused(client, app_user, password):
    user, app = app_user
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        push = push_page(client, user, password).context["push"]
        clock.shift(dt.timedelta(minutes=2, seconds=1))

        assert status(client, push) == "expired"
        assert b"Login failed" in complete(client, push).content


def test_K2_fallback_challenge_is_answered_by_the_app_secret(client, app_user, password):
    user, app = app_user
    post_login(client, user.username, password)
    device = user.securitydevice_set.get()
    page = client.get(reverse(DEVICE_URL), {"device": device.pk, "fallback": 1})
    challenge = page.context["challenge"]
    response_text = ocra_response(
        suite=device.authenticator.ocra_suite,
        key=app.registration.ocra_secret,
        challenge=challenge.value,
    )

    response = client.post(
        reverse(DEVICE_URL),
        {
            "device": device.pk,
            "challenge": challenge.pk,
            "response": response_text,
            "fallback": "1",
        },
    )

    assert b"Response from the IBKR Mobile app" in page.content
    assert response.status_code == 302
    assert is_logged_in(client)
