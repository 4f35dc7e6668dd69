"""The trading login answers like the portal: one answer for an unknown user and a wrong
password (L2), "Login failed" for a wrong second factor (L5), both counted towards the
lockout (L3); a challenge or an approval works once (D2)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AuditEvent, AuditEventType, LoginFailure
from accounts.services.login import INVALID_CREDENTIALS
from tests.factories import UserFactory
from tests.trading.api import ask, begin, card_login, card_reply, post, verify
from trading.models import PendingTradingLogin, TradingSession
from trading.services import login as trading_login

pytestmark = pytest.mark.django_db


def test_L2_unknown_user_and_wrong_password_get_the_same_answer(client, user):
    unknown = begin(client, "nosuchuser", "whatever-password")
    wrong = begin(client, user.username, "whatever-password")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert wrong.json() == {"error": "invalid_credentials", "detail": INVALID_CREDENTIALS}


def test_L1_bad_character_in_user_name(client, user):
    response = begin(client, "al ice", "x")

    assert response.status_code == 400
    assert response.json() == {"error": "bad_input", "detail": "BAD CHARACTER"}
    assert not LoginFailure.objects.exists()


def test_L3_lockout_after_ten_failures_across_steps(client, user, password):
    login_id = begin(client, user.username, password).json()["login_id"]
    for _ in range(5):
        asked = ask(client, login_id).json()
        assert verify(client, login_id, asked, "00000000").json()["detail"] == "Login failed"
    for _ in range(5):
        begin(client, user.username, "wrong-password")

    locked = begin(client, user.username, password)

    assert locked.json()["detail"] == INVALID_CREDENTIALS
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOCKOUT_STARTED).count() == 1


def test_L3_tenth_wrong_response_ends_the_pending_login(client, user, password):
    login_id = begin(client, user.username, password).json()["login_id"]
    for _ in range(10):
        asked = ask(client, login_id).json()
        verify(client, login_id, asked, "00000000")

    response = ask(client, login_id)

    assert response.status_code == 401
    assert response.json()["error"] == "login_expired"


def test_L3_complete_login_resets_the_count(client, user, password):
    begin(client, user.username, "wrong-password")

    assert card_login(client, user.username, password).status_code == 200
    assert not LoginFailure.objects.filter(user=user).exists()


def test_L5_wrong_response_is_login_failed(client, user, password):
    login_id = begin(client, user.username, password).json()["login_id"]
    asked = ask(client, login_id).json()

    response = verify(client, login_id, asked, "12345678")

    assert response.status_code == 401
    assert response.json() == {"error": "login_failed", "detail": "Login failed"}
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_D2_replayed_response_is_refused(client, user, password):
    login_id = begin(client, user.username, password).json()["login_id"]
    asked = ask(client, login_id).json()
    answer = card_reply(asked)
    assert verify(client, login_id, asked, answer).status_code == 200

    replay_same_login = verify(client, login_id, asked, answer)
    second_id = begin(client, user.username, password).json()["login_id"]
    replay_new_login = verify(client, second_id, asked, answer)

    assert replay_same_login.json()["error"] == "login_expired"
    assert replay_new_login.status_code == 409
    assert replay_new_login.json()["error"] == "challenge_closed"


def test_D2_another_users_device_or_challenge_is_refused(client, password):
    victim, attacker = UserFactory(), UserFactory()
    victim_login = begin(client, victim.username, password).json()["login_id"]
    victim_asked = ask(client, victim_login).json()
    attacker_login = begin(Client(), attacker.username, password).json()["login_id"]

    foreign_device = ask(client, attacker_login, victim_asked["device_id"])
    foreign_answer = verify(client, attacker_login, victim_asked)

    assert foreign_device.status_code == 404
    assert foreign_device.json()["error"] == "unknown_device"
    assert foreign_answer.json() == {"error": "login_failed", "detail": "Login failed"}
    assert verify(client, victim_login, victim_asked).status_code == 200


def test_D2_approved_push_of_another_login_is_refused(client, app_user, password):
    from tests.trading.conftest import phone_decide

    user, app = app_user
    first = begin(client, user.username, password).json()["login_id"]
    asked = ask(client, first).json()
    phone_decide(app, asked["push_id"])
    second = begin(client, user.username, password).json()["login_id"]

    stolen = post(client, "/login/verify", {"login_id": second, "push_id": asked["push_id"]})
    state = post(client, "/login/push-state", {"login_id": second, "push_id": asked["push_id"]})

    assert stolen.json() == {"error": "login_failed", "detail": "Login failed"}
    assert state.json() == {"status": "denied"}


def test_K2_fallback_challenge_on_the_trading_channel(client, app_user, password):
    from devices.ocra import ocra_response

    user, app = app_user
    login_id = begin(client, user.username, password).json()["login_id"]
    asked = ask(client, login_id, fallback=True).json()
    device = user.securitydevice_set.get()
    response = ocra_response(
        suite=device.authenticator.ocra_suite,
        key=app.registration.ocra_secret,
        challenge=asked["challenge"],
    )

    answer = verify(client, login_id, asked, response)

    assert asked["type"] == "challenge"
    assert answer.status_code == 200
    assert answer.json()["session"]["approval_method"] == "response"


def test_no_active_device_is_refused_with_what_to_do(client, password):
    user = UserFactory(device=False)

    response = begin(client, user.username, password)

    assert response.status_code == 403
    assert response.json()["error"] == "no_device"


def test_L3_a_failure_after_the_login_was_recorded_leaves_nothing(
    client, user, password, monkeypatch
):
    """The completion is one transaction: the pending login deleted, the failure count
    reset with `login.succeeded`, the session with `trading.session_started`. An exception
    after the session was written, standing for a worker killed there, undoes them all;
    the same login is then completed with a new challenge."""
    begin(client, user.username, "wrong-password")
    login_id = begin(client, user.username, password).json()["login_id"]
    real_start = trading_login.trading_session_start

    def dies_after(**kwargs):
        real_start(**kwargs)
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(trading_login, "trading_session_start", dies_after)
    with pytest.raises(RuntimeError):
        verify(client, login_id, ask(client, login_id).json())

    assert LoginFailure.objects.filter(user=user).count() == 1
    assert not AuditEvent.objects.filter(
        event_type__in=[AuditEventType.LOGIN_SUCCEEDED, AuditEventType.TRADING_SESSION_STARTED]
    ).exists()
    assert not TradingSession.objects.exists()
    assert PendingTradingLogin.objects.filter(user=user).exists()
    monkeypatch.undo()
    assert verify(client, login_id, ask(client, login_id).json()).status_code == 200
    assert TradingSession.objects.count() == 1
    assert not LoginFailure.objects.filter(user=user).exists()
