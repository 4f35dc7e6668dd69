"""What happens to a security key outside the gate: flagging a key whose counter went
backwards (F1)."""

from __future__ import annotations

from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import AuditEventType, AuditOutcome
from accounts.services.audit import audit_record
from devices.models import Authenticator, SecurityDevice


def security_key_flag_cloned(authenticator: Authenticator, *, sign_count: int) -> None:
    """Flag the key: it answers nothing from now on (`SecurityKey.answer_refused`) and the
    support desk sees the flag. The answer that showed it is refused by the caller."""
    now = timezone.now()
    Authenticator.objects.filter(pk=authenticator.pk).update(clone_suspected_at=now)
    authenticator.clone_suspected_at = now
    for device in SecurityDevice.objects.filter(authenticator=authenticator).select_related("user"):
        audit_record(
            event_type=AuditEventType.DEVICE_CLONE_SUSPECTED,
            outcome=AuditOutcome.FAILURE,
            client=SYSTEM,
            subject=device.user,
            detail={
                "serial": authenticator.serial,
                "stored_sign_count": authenticator.counter,
                "sign_count": sign_count,
            },
        )
