"""K5: a trading session lasts 12 hours after an IB Key push approved with the PIN, 30 hours
after one approved with biometrics, 12 hours after any other device; each fresh
authentication within the period runs the full length again from then."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import AuditEvent, AuditEventType, LoginFailure
from tests.factories import UserFactory
from tests.trading.api import ask, begin, card_login, card_reply, get, post, token_of
from tests.trading.conftest import phone_decide

pytestmark = pytest.mark.django_db


def push_login(client, user, password, app, method):
    login_id = begin(client, user.username, password).json()["login_id"]
    asked = ask(client, login_id).json()
    assert asked["type"] == "push"
    phone_decide(app, asked["push_id"], method=method)
    state = post(client, "/login/push-state", {"login_id": login_id, "push_id": asked["push_id"]})
    assert state.json() == {"status": "approved"}
    return post(client, "/login/verify", {"login_id": login_id, "push_id": asked["push_id"]})


@pytest.mark.parametrize(("method", "hours"), [("pin", 12), ("biometric", 30)])
def test_K5_push_session_length_follows_the_approval(
    client, clock, app_user, password, method, hours
):
    user, app = app_user
    token = token_of(push_login(client, user, password, app, method))
    me = get(client, "/me", token).json()
    assert me["approval_method"] == method
    assert me["device"]["kind"] == "ib_key"

    clock.shift(dt.timedelta(hours=hours, seconds=-1))
    assert get(client, "/me", token).status_code == 200
    clock.shift(dt.timedelta(seconds=1))
    expired = get(client, "/me", token)

    assert expired.status_code == 401
    assert expired.json()["error"] == "session_expired"


def test_K5_card_session_lasts_twelve_hours(client, clock, password):
    user = UserFactory()
    token = token_of(card_login(client, user.username, password))

    clock.shift(dt.timedelta(hours=11, minutes=59))
    assert get(client, "/me", token).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert get(client, "/me", token).status_code == 401
    assert AuditEvent.objects.filter(event_type=AuditEventType.TRADING_SESSION_STARTED).count() == 1


def test_K5_biometric_session_extended_by_each_fresh_approval(client, clock, app_user, password):
    user, app = app_user
    token = token_of(push_login(client, user, password, app, "biometric"))

    for _ in range(3):
        clock.shift(dt.timedelta(hours=29))
        asked = post(client, "/session/reauthenticate", {}, token).json()
        phone_decide(app, asked["push_id"], method="biometric")
        state = post(client, "/session/push-state", {"push_id": asked["push_id"]}, token)
        assert state.json() == {"status": "approved"}
        extended = post(client, "/session/extend", {"push_id": asked["push_id"]}, token)
        assert extended.status_code == 200

    clock.shift(dt.timedelta(hours=29, minutes=59))
    assert get(client, "/me", token).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert get(client, "/me", token).json()["error"] == "session_expired"
    assert (
        AuditEvent.objects.filter(event_type=AuditEventType.TRADING_SESSION_EXTENDED).count() == 3
    )


def test_K5_pin_extension_runs_twelve_hours_from_the_fresh_approval(
    client, clock, app_user, password
):
    user, app = app_user
    token = token_of(push_login(client, user, password, app, "pin"))
    clock.shift(dt.timedelta(hours=11))
    asked = post(client, "/session/reauthenticate", {}, token).json()
    phone_decide(app, asked["push_id"], method="pin")
    post(client, "/session/extend", {"push_id": asked["push_id"]}, token)

    clock.shift(dt.timedelta(hours=11, minutes=59))
    assert get(client, "/me", token).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert get(client, "/me", token).status_code == 401


def test_K5_expired_session_cannot_be_extended(client, clock, app_user, password):
    user, app = app_user
    token = token_of(push_login(client, user, password, app, "pin"))
    clock.shift(dt.timedelta(hours=12))

    response = post(client, "/session/reauthenticate", {}, token)

    assert response.status_code == 401
    assert response.json()["error"] == "session_expired"


def test_K5_card_session_extended_by_a_fresh_response(client, clock, password):
    user = UserFactory()
    token = token_of(card_login(client, user.username, password))
    clock.shift(dt.timedelta(hours=10))
    asked = post(client, "/session/reauthenticate", {}, token).json()

    extended = post(
        client,
        "/session/extend",
        {"challenge_id": asked["challenge_id"], "response": card_reply(asked)},
        token,
    )

    assert extended.status_code == 200
    clock.shift(dt.timedelta(hours=11, minutes=59))
    assert get(client, "/me", token).status_code == 200


def test_K5_L3_wrong_response_does_not_extend_and_counts(client, clock, password):
    user = UserFactory()
    token = token_of(card_login(client, user.username, password))
    asked = post(client, "/session/reauthenticate", {}, token).json()
    before = get(client, "/me", token).json()["expires_at"]

    response = post(
        client,
        "/session/extend",
        {"challenge_id": asked["challenge_id"], "response": "00000000"},
        token,
    )

    assert response.status_code == 401
    assert response.json() == {"error": "login_failed", "detail": "Login failed"}
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert get(client, "/me", token).json()["expires_at"] == before


def test_K5_extend_without_asking_the_device_first_is_refused(client, password):
    user = UserFactory()
    token = token_of(card_login(client, user.username, password))

    response = post(client, "/session/extend", {"response": "12345678"}, token)

    assert response.status_code == 409
    assert response.json()["error"] == "no_reauthentication"


def test_K5_pin_reapproval_never_shortens_a_biometric_session(client, clock, app_user, password):
    """A 30-hour biometric session re-approved with the PIN an hour later keeps its 30
    hours: the fresh approval runs its own 12 hours only when they reach further."""
    user, app = app_user
    token = token_of(push_login(client, user, password, app, "biometric"))
    expires_at = get(client, "/me", token).json()["expires_at"]
    clock.shift(dt.timedelta(hours=1))
    asked = post(client, "/session/reauthenticate", {}, token).json()
    phone_decide(app, asked["push_id"], method="pin")

    extended = post(client, "/session/extend", {"push_id": asked["push_id"]}, token)

    assert extended.status_code == 200
    me = get(client, "/me", token).json()
    assert me["approval_method"] == "pin"
    assert me["expires_at"] == expires_at
    clock.shift(dt.timedelta(hours=28, minutes=59))
    assert get(client, "/me", token).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert get(client, "/me", token).json()["error"] == "session_expired"
    event = AuditEvent.objects.get(event_type=AuditEventType.TRADING_SESSION_EXTENDED)
    assert event.detail["method"] == "pin"
    assert dt.datetime.fromisoformat(event.detail["expires_at"]) == dt.datetime.fromisoformat(
        expires_at
    )
