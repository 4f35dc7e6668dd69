"""The servers' Redis stopped under them, then started again empty on the same port (an
operator's restart of a Redis without persistence): sessions are read from the database
meanwhile, logins complete, the L3 lockout still counts every failure (it lives in the
database, not in Redis), and once Redis answers again the servers use it by themselves."""

from __future__ import annotations

import time

from django.utils import timezone

from accounts import cache as resilient_cache
from accounts import conf
from accounts.models import AuditEvent, AuditEventType, LoginFailure, User
from accounts.services.lockout import lockout_is_active
from tests.faults.portal import (
    FAULT_TEST_MARKS,
    Browser,
    card_holder,
    password_answer,
    server_with_own_redis,
    sign_in,
)

pytestmark = FAULT_TEST_MARKS

PAGES = 4


def logins_succeeded(card: dict) -> int:
    return AuditEvent.objects.filter(
        subject_id=card["user_id"], event_type=AuditEventType.LOGIN_SUCCEEDED
    ).count()


def test_redis_stopped_and_restarted_costs_no_session_login_or_lockout():
    before, during, after, locked = (card_holder() for _ in range(4))
    with server_with_own_redis(workers=2) as (server, redis_server):
        signed_in = Browser(server)
        sign_in(signed_in, before)
        assert redis_server.client().dbsize() > 0, "the servers did not use their Redis"

        redis_server.stop()
        pages_during = [signed_in.page("/").status_code for _ in range(PAGES)]
        newcomer = Browser(server)
        sign_in(newcomer, during)
        guesser = Browser(server)
        wrong = [
            password_answer(guesser, locked["username"], "not-the-password").status_code
            for _ in range(conf.LOCKOUT_THRESHOLD)
        ]
        failures_at_lock = LoginFailure.objects.filter(user_id=locked["user_id"]).count()
        locked_at = User.objects.get(pk=locked["user_id"]).locked_at
        refused = password_answer(guesser, locked["username"], locked["password"])

        redis_server.start()
        # Each worker leaves Redis alone until RETRY_AFTER has passed since it failed.
        time.sleep(resilient_cache.RETRY_AFTER)
        pages_after = [
            browser.page("/").status_code for browser in (signed_in, newcomer) for _ in range(2)
        ]
        latecomer = Browser(server)
        sign_in(latecomer, after)
        assert latecomer.page("/").status_code == 200
        assert redis_server.client().dbsize() > 0, "the servers did not come back to Redis"

    assert pages_during == [200] * PAGES
    assert pages_after == [200] * 4
    assert wrong == [200] * conf.LOCKOUT_THRESHOLD
    assert refused.status_code == 200
    assert 'name="response"' not in refused.text, "a locked user reached the second factor"
    user = User.objects.get(pk=locked["user_id"])
    assert (failures_at_lock, locked_at is not None) == (conf.LOCKOUT_THRESHOLD, True)
    assert lockout_is_active(user=user, at=timezone.now())
    # The attempt made while locked counts too: it moves the end of the lock (L3).
    assert LoginFailure.objects.filter(user=user).count() == conf.LOCKOUT_THRESHOLD + 1
    assert AuditEvent.objects.filter(
        subject=user, event_type=AuditEventType.LOGIN_REFUSED_LOCKED
    ).exists()
    assert logins_succeeded(locked) == 0
    assert [logins_succeeded(card) for card in (before, during, after)] == [1, 1, 1]
    for browser in (signed_in, newcomer, guesser, latecomer):
        assert browser.server_errors == []
