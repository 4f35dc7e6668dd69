"""The password step of the Client Portal login and the bookkeeping of its outcome.

Every path does the same hashing work, answers with the same words, and writes one audit
event, so that neither the response nor its timing tells whether a user name exists (L2).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.request_log import request_user_note
from accounts.services.audit import audit_record
from accounts.services.lockout import lockout_failure_record, lockout_is_active, lockout_reset
from accounts.services.notifications import SecurityEmail, security_email_send

INVALID_CREDENTIALS = "Invalid user name password combination"
# L5: a wrong second factor, wherever it is answered.
LOGIN_FAILED = "Login failed"


@dataclass(frozen=True)
class PasswordCheck:
    """The outcome of the password step: a user when the password was right."""

    user: User | None

    @property
    def accepted(self) -> bool:
        return self.user is not None


@transaction.atomic
def login_password_check(*, username: str, password: str, client: ClientInfo) -> PasswordCheck:
    """Check a user name and password, counting failures towards the L3 lockout."""
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        make_password(password)
        audit_record(
            event_type=AuditEventType.LOGIN_FAILED,
            outcome=AuditOutcome.FAILURE,
            subject_username=username,
            client=client,
            detail={"step": "password", "reason": "unknown_user"},
        )
        return PasswordCheck(user=None)

    password_ok = user.check_password(password)
    now = timezone.now()
    if lockout_is_active(user=user, at=now):
        _failure(user=user, client=client, step="password", reason="locked")
        return PasswordCheck(user=None)
    if not (password_ok and user.is_active):
        reason = "wrong_password" if user.is_active else "inactive_user"
        _failure(user=user, client=client, step="password", reason=reason)
        return PasswordCheck(user=None)
    # No event is written for a right password: the request's log line learns the user here.
    request_user_note(user_id=user.pk)
    return PasswordCheck(user=user)


@transaction.atomic
def login_step_failed(*, user: User, client: ClientInfo, step: str, reason: str) -> None:
    """A later step of the login failed (a wrong device response is a failed attempt, L3).
    A wrong second factor means someone had the password: the user is told by e-mail."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _failure(user=user, client=client, step=step, reason=reason)
    if step == "second_factor" and reason != "locked":
        security_email_send(user=user, event=SecurityEmail.SECOND_FACTOR_FAILED, client=client)


@transaction.atomic
def login_succeeded(*, user: User, client: ClientInfo) -> None:
    """Every step passed: the failure count starts again from zero (L3)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    lockout_reset(user=user)
    audit_record(
        event_type=AuditEventType.LOGIN_SUCCEEDED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
    )


def _failure(*, user: User, client: ClientInfo, step: str, reason: str) -> None:
    locked_before = lockout_is_active(user=user, at=timezone.now())
    lockout_failure_record(user=user, at=timezone.now(), client=client)
    audit_record(
        event_type=(
            AuditEventType.LOGIN_REFUSED_LOCKED if locked_before else AuditEventType.LOGIN_FAILED
        ),
        outcome=AuditOutcome.FAILURE,
        subject=user,
        client=client,
        detail={"step": step, "reason": reason},
    )
