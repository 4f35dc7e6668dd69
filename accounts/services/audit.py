"""Writing the audit trail. Every service that changes security state calls this, so it
is also where the portal's counters (accounts.metrics) and the request's log line
(accounts.request_log) learn of each event."""

from __future__ import annotations

from typing import Any

from accounts.client_info import ClientInfo
from accounts.metrics import audit_event_counted
from accounts.models import AuditEvent, AuditEventType, AuditOutcome, User
from accounts.request_log import request_event_noted, request_user_note

NAME_MAX_LENGTH = 150


def audit_record(
    *,
    event_type: AuditEventType,
    outcome: AuditOutcome,
    client: ClientInfo,
    subject: User | None = None,
    subject_username: str = "",
    actor: User | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. A name typed at login that matched nobody is kept as typed,
    truncated, so that probing for user names shows up in the trail."""
    event = AuditEvent.objects.create(
        event_type=event_type,
        outcome=outcome,
        subject=subject,
        subject_username=(subject.username if subject else subject_username)[:NAME_MAX_LENGTH],
        actor=actor,
        actor_username=actor.username if actor else "",
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        detail=detail or {},
    )
    audit_event_counted(event_type=event.event_type, channel=client.channel, detail=event.detail)
    request_user_note(user_id=event.subject_id)
    request_event_noted(event_type=event.event_type)
    return event
