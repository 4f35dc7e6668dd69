"""L3 under concurrency: attempts on one user from many connections at once are each
counted, because the password step holds the user's row lock."""

from __future__ import annotations

import pytest

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure
from accounts.services.lockout import lockout_is_active
from accounts.services.login import login_password_check
from tests.concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 12


def test_L3_concurrent_failures_are_all_counted_and_lock_once(user):
    run_at_once(
        lambda: login_password_check(username=user.username, password="wrong", client=SYSTEM),
        ATTEMPTS,
    )

    assert LoginFailure.objects.filter(user=user).count() == ATTEMPTS
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOCKOUT_STARTED).count() == 1
    refused = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_REFUSED_LOCKED).count()
    assert refused == ATTEMPTS - 10
    user.refresh_from_db()
    assert lockout_is_active(user=user, at=user.last_failed_login_at)
