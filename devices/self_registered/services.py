"""What security keys and authenticator apps, the devices their holders register, share:
the record of an addition (G2), and removal (F4). A card leaves a user's hands by coming
back to us (recorded as returned, T7); a key or an app was never ours to ship or take
back, so it leaves by removal: revoked for good, never reactivated (T4 takes only a device
that is active, lost or damaged), and the holder adds a new one if they wish."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.dates import moment_text
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.notices import notice_send
from accounts.services.notifications import IF_NOT_YOU, SecurityEmail, security_email_send
from devices.models import Authenticator, SecurityDevice
from devices.temporary.services import device_sessions_end

NOT_REMOVABLE = (
    "Only security keys and authenticator apps are removed. A card is marked lost or "
    "damaged, or recorded as returned when it comes back."
)
ADDED_SUBJECT = "{kind} added to your user"
ADDED_BODY = (
    '{kind} named "{name}" (serial {serial}) was added to your user {username} on {when} '
    "from address {address}. It can now approve your logins, withdrawals and changes to "
    "your security settings, like your other security devices.\n\n{if_not_you}\n"
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


def device_registered_record(
    *, device: SecurityDevice, client: ClientInfo, detail: dict[str, Any] | None = None
) -> None:
    """A key or app its holder just added: audited `device.registered` (kind, serial,
    name and what `detail` adds), and told to the user in a portal notice and at the
    address on record (G2). The words name the device, never a secret of it."""
    user, authenticator = device.user, device.authenticator
    audit_record(
        event_type=AuditEventType.DEVICE_REGISTERED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={
            "kind": authenticator.kind,
            "serial": authenticator.serial,
            "name": device.name,
            **(detail or {}),
        },
    )
    kind = authenticator.kind_behaviour.label
    notice_send(
        user=user,
        subject=ADDED_SUBJECT.format(kind=kind),
        body=ADDED_BODY.format(
            kind=kind,
            name=device.name,
            serial=authenticator.serial,
            username=user.username,
            when=moment_text(timezone.now()),
            address=client.ip_address or "unknown",
            if_not_you=IF_NOT_YOU,
        ),
        client=client,
        kind="device_registered",
    )
