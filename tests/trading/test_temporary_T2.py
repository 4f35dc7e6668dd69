"""T2 on the trading channel: a temporary passcode opens the trading platform for its first
2 days only, then is refused with KB1132's case and what to do; an online card (T3) for 21
days. A session opened with a temporary device stops when its window closes or when the
device ends (T4, or support reports it)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure
from devices.models import SecurityDevice
from devices.temporary.policy import ONLINE_CARD_EXPIRED, PASSCODE_PORTAL_ONLY
from devices.temporary.services import (
    device_report,
    online_card_grid,
    online_card_issue,
    passcode_issue,
    temporary_devices_end,
)
from tests.factories import UserFactory
from tests.identification_helpers import caller_identified
from tests.trading.api import ask, begin, get, post, token_of
from trading.models import TradingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranded(clock, support_agent):
    """A client whose DSC+ is lost, holding a temporary passcode issued at START."""
    user = UserFactory()
    device_report(
        authenticator=user.securitydevice_set.get().authenticator,
        state="lost",
        agent=support_agent,
        client=SYSTEM,
    )
    code = passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="lost",
        client=SYSTEM,
    )
    return user, code


def temporary_login(client, user, password, kind, response_for):
    login_id = begin(client, user.username, password).json()["login_id"]
    device = SecurityDevice.objects.get(user=user, authenticator__kind=kind)
    asked = ask(client, login_id, device.pk).json()
    return post(
        client,
        "/login/verify",
        {
            "login_id": login_id,
            "device_id": device.pk,
            "challenge_id": asked["challenge_id"],
            "response": response_for(asked),
        },
    )


def passcode_login(client, user, password, code):
    return temporary_login(client, user, password, "temporary_passcode", lambda asked: code)


def card_login(client, user, password):
    card = SecurityDevice.objects.get(user=user, authenticator__kind="online_card").authenticator
    grid = online_card_grid(card)

    def read(asked):
        return "".join(grid[int(index)] for index in asked["challenge"].split(","))

    return temporary_login(client, user, password, "online_card", read)


def refusals():
    return AuditEvent.objects.filter(event_type=AuditEventType.ACCESS_REFUSED)


def test_T2_passcode_opens_trading_on_its_first_two_days(client, clock, stranded, password):
    user, code = stranded
    clock.shift(dt.timedelta(days=1, hours=23))

    response = passcode_login(client, user, password, code)

    assert response.status_code == 200
    session = response.json()["session"]
    assert session["device"]["kind"] == "temporary_passcode"
    assert session["device"]["temporary"] is True
    assert session["expires_at"] == "2026-07-03T09:00:00Z"


def test_T2_passcode_refused_on_day_three_with_the_message(client, clock, stranded, password):
    user, code = stranded
    clock.shift(dt.timedelta(days=2, hours=1))

    response = passcode_login(client, user, password, code)

    assert response.status_code == 403
    assert response.json() == {"error": "access_refused", "detail": PASSCODE_PORTAL_ONLY}
    assert "KB1132" in PASSCODE_PORTAL_ONLY
    refusal = refusals().get()
    assert refusal.subject == user
    assert refusal.detail["channel"] == "trading"
    assert not LoginFailure.objects.filter(user=user).exists()


def test_T2_wrong_passcode_is_login_failed_and_counted(client, clock, stranded, password):
    user, code = stranded

    response = passcode_login(client, user, password, code.lower())

    assert response.json() == {"error": "login_failed", "detail": "Login failed"}
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert not refusals().exists()


def test_T2_session_opened_with_passcode_stops_when_the_window_closes(
    client, clock, stranded, password
):
    user, code = stranded
    clock.shift(dt.timedelta(days=1, hours=20))
    token = token_of(passcode_login(client, user, password, code))

    clock.shift(dt.timedelta(hours=3, minutes=59))
    assert get(client, "/me", token).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert get(client, "/me", token).status_code == 401


def test_T2_window_checked_on_every_request(client, clock, stranded, password):
    """Even a session whose own expiry were later is refused once the window closes."""
    from trading.models import TradingSession

    user, code = stranded
    token = token_of(passcode_login(client, user, password, code))
    TradingSession.objects.update(expires_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC))
    clock.shift(dt.timedelta(days=2))

    response = get(client, "/me", token)

    assert response.status_code == 403
    assert response.json() == {"error": "access_refused", "detail": PASSCODE_PORTAL_ONLY}
    assert refusals().count() == 1
    assert get(client, "/me", token).json()["error"] == "session_ended"


def test_T3_online_card_opens_trading_for_21_days(client, clock, stranded, password):
    user, _ = stranded
    clock.shift(dt.timedelta(days=1))
    online_card_issue(user=user, client=SYSTEM)

    clock.shift(dt.timedelta(days=20, hours=23))
    assert card_login(client, user, password).status_code == 200
    clock.shift(dt.timedelta(hours=1))
    refused = card_login(client, user, password)

    assert refused.status_code == 403
    assert refused.json()["detail"] == ONLINE_CARD_EXPIRED


def test_T4_token_refused_after_temporary_devices_end(client, clock, stranded, password):
    user, code = stranded
    token = token_of(passcode_login(client, user, password, code))

    temporary_devices_end(user=user, client=SYSTEM, actor=user)
    response = get(client, "/me", token)

    assert response.status_code == 401
    assert response.json()["error"] == "device_inactive"
    ended = AuditEvent.objects.filter(event_type=AuditEventType.TRADING_SESSION_ENDED).get()
    assert ended.detail["reason"] == "device_inactive"


def test_D2_token_refused_after_the_card_is_reported_lost(client, support_agent, password):
    from tests.trading.api import card_login as permanent_login

    user = UserFactory()
    token = token_of(permanent_login(client, user.username, password))
    device_report(
        authenticator=user.securitydevice_set.get().authenticator,
        state="lost",
        agent=support_agent,
        client=SYSTEM,
    )

    # G3: the report itself ends the session, before any request of it.
    assert TradingSession.objects.get(user=user).end_reason == "device_lost"
    assert get(client, "/me", token).json()["error"] == "session_ended"
