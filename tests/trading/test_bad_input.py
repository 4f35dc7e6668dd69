"""Whatever a program sends, the answer is a 4xx JSON error with a stable code, never a
server error, and a refused call changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import LoginFailure
from tests.trading.api import ask, begin, card_login, get, post, token_of
from trading.models import PendingTradingLogin, TradingSession

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "",
        "[]",
        "null",
        '"a string"',
        '{"username": 5, "password": []}',
        '{"username": "alice"}',
        '{"username": "' + "a" * 10_000 + '", "password": "x"}',
        '{"username": "alice", "password": "' + "p" * 10_000 + '"}',
        '{"username": "\\u00e5lice\\ud83d\\ude00", "password": "x"}',
        '{"username": "al\\u0000ice", "password": "x"}',
        '{"username": "alice", "password": "pa\\u0000ss"}',
    ],
)
def test_garbage_login_input_is_a_clear_4xx(client, user, raw):
    response = post(client, "/login", raw=raw)

    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] in ("invalid_input", "bad_input", "bad_request")
    assert not LoginFailure.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"login_id": "x", "device_id": "one"},
        {"login_id": "x" * 5000},
        {"login_id": "x", "device_id": 10**30},
        {"login_id": "x", "device_id": -1},
        {"login_id": ""},
        {"login_id": None},
        {"device_id": 1},
    ],
)
def test_garbage_challenge_request_is_a_clear_4xx(client, payload):
    response = post(client, "/login/challenge", payload)

    assert response.status_code in (401, 422)
    assert "error" in response.json()


@pytest.mark.parametrize(
    "payload",
    [
        {"challenge_id": 10**30, "response": "1"},
        {"challenge_id": 1, "response": "9" * 1000},
        {"challenge_id": 1, "response": "\U0001f600\x00"},
        {"push_id": "abc"},
    ],
)
def test_garbage_verify_request_is_a_clear_4xx(client, user, password, payload):
    login_id = begin(client, user.username, password).json()["login_id"]
    ask(client, login_id)

    response = post(client, "/login/verify", {"login_id": login_id, **payload})

    assert response.status_code in (400, 401, 422)
    assert "error" in response.json()
    assert not TradingSession.objects.exists()


def test_unicode_response_is_login_failed_and_counted(client, user, password):
    login_id = begin(client, user.username, password).json()["login_id"]
    asked = ask(client, login_id).json()

    response = post(
        client,
        "/login/verify",
        {"login_id": login_id, "challenge_id": asked["challenge_id"], "response": "١٢٣٤٥٦٧٨"},
    )

    assert response.json() == {"error": "login_failed", "detail": "Login failed"}
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_pending_login_expires_after_five_minutes(client, clock, user, password):
    login_id = begin(client, user.username, password).json()["login_id"]
    clock.shift(dt.timedelta(minutes=5))

    response = ask(client, login_id)

    assert response.json()["error"] == "login_expired"
    begin(client, user.username, password)
    assert PendingTradingLogin.objects.count() == 1


def test_garbage_json_on_an_authenticated_call(client, user, password):
    token = token_of(card_login(client, user.username, password))

    response = post(client, "/session/extend", raw="{{{", token=token)

    assert response.status_code in (400, 422)
    assert get(client, "/me", token).status_code == 200
