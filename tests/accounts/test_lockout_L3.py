"""L3 exactly as KB1132 §1 words it: ten consecutive failures within any 24 hours lock the
user; the lock holds until 24 hours after the last unsuccessful attempt; attempts refused
while locked count; a complete login resets the count."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from accounts.services.lockout import lockout_is_active, lockout_lift
from tests.login_helpers import full_login, is_logged_in, login_error, post_login

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
INVALID = "Invalid user name password combination"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def fail(client, user, times: int, clock=None, every: dt.timedelta | None = None) -> None:
    for _ in range(times):
        assert login_error(post_login(client, user.username, "wrong-password")) == INVALID
        if clock and every:
            clock.shift(every)


def logs_in(client, user, password) -> bool:
    """Both login steps with the right password and the card's right answer."""
    full_login(client, user.username, password)
    logged_in = is_logged_in(client)
    client.logout()
    return logged_in


def test_L3_nine_failures_do_not_lock(client, clock, user, password):
    fail(client, user, 9)

    assert logs_in(client, user, password)


def test_L3_tenth_failure_locks_even_the_right_password(client, clock, user, password):
    fail(client, user, 10)

    response = post_login(client, user.username, password)

    assert response.status_code == 200
    assert login_error(response) == INVALID
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOCKOUT_STARTED).count() == 1


def test_L3_lock_ends_24_hours_after_last_failure(client, clock, user, password):
    fail(client, user, 10, clock, every=dt.timedelta(minutes=1))
    last_failure = START + dt.timedelta(minutes=9)
    user.refresh_from_db()
    assert user.last_failed_login_at == last_failure

    clock.move_to(last_failure + dt.timedelta(hours=24) - dt.timedelta(seconds=1))
    user.refresh_from_db()
    assert lockout_is_active(user=user, at=dt.datetime.now(dt.UTC))

    clock.move_to(last_failure + dt.timedelta(hours=24))
    assert logs_in(client, user, password)


def test_L3_attempt_refused_while_locked_extends_the_lock(client, clock, user, password):
    fail(client, user, 10)
    clock.shift(dt.timedelta(hours=20))
    refused = post_login(client, user.username, password)
    assert login_error(refused) == INVALID
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_REFUSED_LOCKED).count() == 1

    clock.shift(dt.timedelta(hours=23))

    assert not logs_in(client, user, password)
    clock.shift(dt.timedelta(hours=24))
    assert logs_in(client, user, password)


def test_L3_success_resets_the_count(client, clock, user, password):
    fail(client, user, 9)
    assert logs_in(client, user, password)
    fail(client, user, 9)

    assert logs_in(client, user, password)


def test_L3_ten_failures_spread_over_more_than_24_hours_do_not_lock(client, clock, user, password):
    fail(client, user, 10, clock, every=dt.timedelta(hours=3))

    assert logs_in(client, user, password)


def test_L3_any_24_hour_window_counts_not_calendar_days(client, clock, user, password):
    clock.move_to(START.replace(hour=20))
    fail(client, user, 5, clock, every=dt.timedelta(hours=1))
    fail(client, user, 5, clock, every=dt.timedelta(hours=1))

    assert not logs_in(client, user, password)


def test_L3_support_lifts_the_lock(client, clock, user, password, support_agent):
    fail(client, user, 10)

    assert lockout_lift(user=user, actor=support_agent, client=SYSTEM, reason="verified")

    assert logs_in(client, user, password)
    lifted = AuditEvent.objects.get(event_type=AuditEventType.LOCKOUT_LIFTED)
    assert lifted.actor == support_agent
    assert lifted.subject == user


def test_L3_lifting_when_not_locked_changes_nothing(clock, user, support_agent):
    assert not lockout_lift(user=user, actor=support_agent, client=SYSTEM, reason="verified")
    assert not AuditEvent.objects.filter(event_type=AuditEventType.LOCKOUT_LIFTED).exists()


def test_L3_failures_before_a_lift_no_longer_count(client, clock, user, password, support_agent):
    fail(client, user, 10)
    lockout_lift(user=user, actor=support_agent, client=SYSTEM, reason="verified")

    fail(client, user, 9)

    assert logs_in(client, user, password)
