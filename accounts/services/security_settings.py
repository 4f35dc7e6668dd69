"""Who may change an account's security settings (O1, KB2545): its primary user alone.
The refusal, recorded here, is the same whichever page or service refused."""

from __future__ import annotations

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.selectors import security_settings_editor
from accounts.services.audit import audit_record

NOT_PRIMARY = "Only the primary user of this account may change its security settings."


def security_settings_refusal_record(*, user: User, client: ClientInfo, path: str) -> None:
    """A user who is not the primary user tried to change security settings (O1)."""
    editor = security_settings_editor(user)
    audit_record(
        event_type=AuditEventType.SETTINGS_REFUSED,
        outcome=AuditOutcome.FAILURE,
        subject=user,
        actor=user,
        client=client,
        detail={"path": path[:200], "primary_user": editor.username if editor else ""},
    )
