"""Bearer tokens: only a digest is stored; a missing, garbage, expired, ended or revoked
token is a 401 with a JSON error saying which; logout ends the session on the server."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from accounts.models import AuditEvent, AuditEventType
from tests.trading.api import card_login, get, post, token_of
from trading.models import TradingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(client, user, password) -> str:
    return token_of(card_login(client, user.username, password))


def test_D4_only_the_token_digest_is_stored(token):
    session = TradingSession.objects.get()

    assert session.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(TradingSession.objects.values().get())


@pytest.mark.parametrize(
    ("header", "error"),
    [
        (None, "unauthenticated"),
        ("Basic dXNlcjpwYXNz", "unauthenticated"),
        ("Bearer ", "invalid_token"),
        ("Bearer garbage", "invalid_token"),
        ("Bearer " + "x" * 5000, "invalid_token"),
        ("Bearer \u00e5\u00e5\u00e5", "invalid_token"),
    ],
)
def test_missing_or_garbage_token_is_a_401(client, token, header, error):
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/trading/me", headers=headers)

    assert response.status_code == 401
    assert response.json()["error"] == error
    assert response.json()["detail"]


def test_logout_ends_the_session(client, token):
    assert post(client, "/logout", token=token).json() == {"status": "ended"}

    response = get(client, "/me", token)

    assert response.status_code == 401
    assert response.json()["error"] == "session_ended"
    assert post(client, "/logout", token=token).status_code == 401
    ended = AuditEvent.objects.get(event_type=AuditEventType.TRADING_SESSION_ENDED)
    assert ended.detail["reason"] == "logout"


def test_K5_expired_token_is_a_401(client, clock, user, password):
    token = token_of(card_login(client, user.username, password))
    clock.shift(dt.timedelta(hours=12))

    assert get(client, "/me", token).json()["error"] == "session_expired"


def test_me_tells_the_session_and_what_the_channel_allows(client, user, token):
    body = get(client, "/me", token).json()

    assert body["user"] == user.username
    assert body["account"] == user.account.number
    assert body["device"]["kind"] == "dsc_plus"
    assert body["approval_method"] == "response"
    assert body["allows"] == [
        "trade",
        "trade_pink_sheet_otcbb",
        "withdraw",
        "session_extend",
        "logout",
    ]


def test_inactive_user_token_is_refused(client, user, token):
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert get(client, "/me", token).json()["error"] == "user_inactive"
