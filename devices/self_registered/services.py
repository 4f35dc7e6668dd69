"""Removing a security key or an authenticator app (F4). A card leaves a user's hands by
coming back to us (recorded as returned, T7); a key or an app was never ours to ship or
take back, so it leaves by removal: revoked for good, never reactivated (T4 takes only a
device that is active, lost or damaged), and the holder adds a new one if they wish."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send
from devices.models import Authenticator, SecurityDevice
from devices.temporary.services import device_sessions_end

NOT_REMOVABLE = (
    "Only security keys and authenticator apps are removed. A card is marked lost or "
    "damaged, or recorded as returned when it comes back."
)
REMOVABLE_STATES = (
    Authenticator.State.ACTIVE,
    Authenticator.State.LOST,
    Authenticator.State.DAMAGED,
)


@transaction.atomic
def device_remove(
    *, authenticator: Authenticator, agent: User, client: ClientInfo
) -> Authenticator:
    """Revoke a self-registered device: it answers nothing from now on, every session and
    pending login of its user ends (G3: a key or app is removed because it is out of its
    holder's hands or may be copied), and the user is told by e-mail. Audited as
    `device.removed` with the state it left."""
    authenticator = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
    kind = authenticator.kind_behaviour
    if not kind.self_registered:
        raise ValidationError(NOT_REMOVABLE)
    if authenticator.state not in REMOVABLE_STATES:
        raise ValidationError(f"{authenticator} is already removed.")
    previous_state = authenticator.state
    authenticator.state = Authenticator.State.REVOKED
    authenticator.save(update_fields=["state"])
    holders = list(
        SecurityDevice.objects.filter(authenticator=authenticator).select_related("user")
    )
    for device in holders:
        audit_record(
            event_type=AuditEventType.DEVICE_REMOVED,
            outcome=AuditOutcome.SUCCESS,
            subject=device.user,
            actor=agent,
            client=client,
            detail={
                "serial": authenticator.serial,
                "kind": authenticator.kind,
                "name": device.name,
                "previous_state": previous_state,
            },
        )
    device_sessions_end(authenticator, reason="device_removed", agent=agent, client=client)
    for device in holders:
        security_email_send(
            user=device.user,
            event=SecurityEmail.DEVICE_REMOVED,
            client=client,
            device=f'{kind.label.lower()} "{device.name}"',
        )
    return authenticator
