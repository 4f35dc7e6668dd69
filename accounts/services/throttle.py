"""Counting an attempt against the throttles and recording a refusal in the audit trail."""

from __future__ import annotations

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.throttling import Verdict, throttle_hit


def throttle_attempt(
    *, scope: str, client: ClientInfo, username: str = "", user: User | None = None
) -> Verdict:
    """Count one attempt of `scope` by `user` (or on the typed `username`, known or not).
    A refused attempt is `login.failed` with reason "throttled": it never reaches the
    password or device check, so it is not an L3 failure and starts no lock."""
    subject = f"user:{user.pk}" if user is not None else f"name:{username}"
    verdict = throttle_hit(scope=scope, ip_address=client.ip_address, subject=subject)
    if not verdict.allowed:
        audit_record(
            event_type=AuditEventType.LOGIN_FAILED,
            outcome=AuditOutcome.FAILURE,
            subject=user,
            subject_username=username,
            client=client,
            detail={"step": scope, "reason": "throttled", "retry_after": verdict.retry_after},
        )
    return verdict
