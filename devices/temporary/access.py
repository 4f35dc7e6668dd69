"""What a temporary device opens on every request of a session it opened (T2, T3, T4); the
gate (`devices.flows.device_step`) checks the same windows where a session starts.
Permanent devices always open everything.

A refusal by the window is recorded as ACCESS_REFUSED, not as a failed login: the answer
was right, so it is no guess at a credential, and counting it towards the L3 lockout
would lock out a client who is only being told to call Client Services.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from devices.models import Authenticator
from devices.temporary.policy import Access, Channel, temporary_access

TEMPORARY_DEVICE_ENDED = (
    "The temporary device this session was opened with no longer works: your security "
    "device was reactivated or a new temporary passcode was issued. Please log in again."
)


def device_access(*, authenticator: Authenticator, channel: Channel) -> Access:
    """The access `authenticator` gives on `channel` now. A temporary device that was
    ended (revoked) gives nothing, even inside its window."""
    if authenticator.kind_behaviour.temporary and authenticator.state != (
        Authenticator.State.ACTIVE
    ):
        return Access(None, TEMPORARY_DEVICE_ENDED)
    return temporary_access(authenticator=authenticator, channel=channel, at=timezone.now())


def access_refused_record(
    *,
    user: User,
    authenticator: Authenticator,
    channel: Channel,
    access: Access,
    step: str,
    client: ClientInfo,
    event_type: AuditEventType = AuditEventType.ACCESS_REFUSED,
) -> None:
    """The audit event of a login, session or answer refused without checking a credential
    (a temporary device's window, a device that may not answer, a closed challenge)."""
    audit_record(
        event_type=event_type,
        outcome=AuditOutcome.FAILURE,
        subject=user,
        actor=user,
        client=client,
        detail={
            "serial": authenticator.serial,
            "kind": authenticator.kind,
            "channel": str(channel),
            "step": step,
            "reason": access.message,
        },
    )
