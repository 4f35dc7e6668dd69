"""L3: ten consecutive failed logins within any 24 hours lock a user until 24 hours after
the last unsuccessful attempt. Callers hold the user's row lock (select_for_update), so
concurrent attempts on one user are counted one after the other."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts import conf
from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, LoginFailure, User
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send


def lockout_is_active(*, user: User, at: datetime) -> bool:
    """Locked while fewer than 24 hours have passed since the last failure after the lock."""
    return (
        user.locked_at is not None
        and user.last_failed_login_at is not None
        and at < user.last_failed_login_at + conf.LOCKOUT_DURATION
    )


def lockout_locked_until(*, user: User) -> datetime | None:
    if user.locked_at is None or user.last_failed_login_at is None:
        return None
    return user.last_failed_login_at + conf.LOCKOUT_DURATION


def lockout_failure_record(*, user: User, at: datetime, client: ClientInfo) -> bool:
    """Count one unsuccessful attempt; True when this attempt starts a lock.

    An attempt refused because the user is locked counts too and so pushes the end of
    the lock to 24 hours after it.
    """
    already_locked = lockout_is_active(user=user, at=at)
    LoginFailure.objects.create(user=user, at=at)
    user.last_failed_login_at = at
    starts_lock = not already_locked and _failures_in_window(user=user, at=at) >= (
        conf.LOCKOUT_THRESHOLD
    )
    if starts_lock:
        user.locked_at = at
    elif not already_locked:
        user.locked_at = None
    user.save(update_fields=["last_failed_login_at", "locked_at"])
    if starts_lock:
        locked_until = lockout_locked_until(user=user)
        assert locked_until is not None, "a lock that starts has an end"
        audit_record(
            event_type=AuditEventType.LOCKOUT_STARTED,
            outcome=AuditOutcome.FAILURE,
            subject=user,
            client=client,
            detail={"locked_until": locked_until.isoformat()},
        )
        security_email_send(user=user, event=SecurityEmail.LOCKED_OUT, client=client)
    return starts_lock


def lockout_reset(*, user: User) -> None:
    """A complete login or a lifted lock: earlier failures stop counting. The audit trail
    keeps the history; the failure rows exist only to evaluate the window."""
    LoginFailure.objects.filter(user=user).delete()
    if user.locked_at is not None:
        user.locked_at = None
        user.save(update_fields=["locked_at"])


@transaction.atomic
def lockout_lift(*, user: User, actor: User, client: ClientInfo, reason: str) -> bool:
    """Support staff lift a lock after verifying the caller; False if none was active."""
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    if not lockout_is_active(user=user, at=now):
        return False
    locked_until = lockout_locked_until(user=user)
    assert locked_until is not None, "an active lock has an end"
    lockout_reset(user=user)
    audit_record(
        event_type=AuditEventType.LOCKOUT_LIFTED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=actor,
        client=client,
        detail={"reason": reason, "was_locked_until": locked_until.isoformat()},
    )
    return True


def _failures_in_window(*, user: User, at: datetime) -> int:
    """Failures since the last reset within the 24 hours ending at `at`, read through the
    (user, at) index and capped at the threshold, so the cost stays flat."""
    recent = LoginFailure.objects.filter(user=user, at__gt=at - conf.LOCKOUT_WINDOW, at__lte=at)
    return len(recent.values_list("pk", flat=True)[: conf.LOCKOUT_THRESHOLD])
