"""Interim access after a lost, damaged or unavailable device (T1, T3, T4): temporary
passcodes issued by support, the online security card, and reactivating the permanent
device, which ends every temporary device at once."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.identification import IdentificationResult
from accounts.services.notifications import SecurityEmail, security_email_send
from accounts.services.sessions import user_sessions_end
from devices.crypto import secret_decrypt, secret_encrypt
from devices.kinds import TEMPORARY_KINDS, Kind
from devices.models import Authenticator, Challenge, PushRequest, SecurityDevice
from devices.services.inventory import scc_issue
from devices.signals import device_reported, device_returned
from devices.temporary.policy import Channel, temporary_access

PASSCODE_ALPHABET = string.ascii_uppercase + string.digits
PASSCODE_LENGTH = 10
PASSCODE_REASONS = {
    "unavailable": "Device temporarily unavailable",
    "lost": "Device lost",
    "damaged": "Device damaged",
}
NOT_RETURNED = (
    "A security key or authenticator app is not sent back to us: it was never ours. "
    "Remove it instead."
)
# A returned or revoked device has left service: it is neither reported nor returned again.
_RETIRED = (Authenticator.State.RETURNED, Authenticator.State.REVOKED)


@transaction.atomic
def passcode_issue(
    *,
    user: User,
    agent: User,
    identification: IdentificationResult,
    reason: str,
    client: ClientInfo,
) -> str:
    """A new temporary passcode, returned once to be read to the caller; earlier ones stop
    working. Only after `identification_check` found every required item of this user's
    caller to match the data on file; the audit event names the items (T1)."""
    if user.client_id is None:
        raise ValidationError("Temporary passcodes are for clients' users.")
    if reason not in PASSCODE_REASONS:
        raise ValidationError("Choose why the caller needs a temporary passcode.")
    if identification.user_id != user.pk or not identification.passed:
        raise ValidationError(
            "The caller's identification data did not match the data on file: no passcode "
            "was issued."
        )
    _revoke(user, kinds=(Kind.TEMPORARY_PASSCODE,))
    _expired_online_cards_end(user, actor=agent, client=client)
    code = "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(PASSCODE_LENGTH))
    now = timezone.now()
    authenticator = Authenticator.objects.create(
        kind=Kind.TEMPORARY_PASSCODE,
        serial=f"TMP-{secrets.token_hex(5).upper()}",
        state=Authenticator.State.ACTIVE,
        code_hash=make_password(code),
        activated_at=now,
    )
    SecurityDevice.objects.create(user=user, authenticator=authenticator, name=str(authenticator))
    audit_record(
        event_type=AuditEventType.PASSCODE_ISSUED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=agent,
        client=client,
        detail={
            "serial": authenticator.serial,
            "reason": reason,
            "confirmed": identification.matched,
        },
    )
    security_email_send(user=user, event=SecurityEmail.PASSCODE_ISSUED, client=client)
    return code


@transaction.atomic
def device_report(
    *, authenticator: Authenticator, state: str, agent: User, client: ClientInfo
) -> Authenticator:
    """Support marks a permanent device lost or damaged: it stops working for every user,
    and the deposit of the order that shipped it is kept (T7, through `device_reported`)."""
    if state not in (Authenticator.State.LOST, Authenticator.State.DAMAGED):
        raise ValidationError("A device is reported lost or damaged.")
    authenticator = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
    if authenticator.kind_behaviour.temporary:
        raise ValidationError("Temporary devices are not reported; issue a new one instead.")
    if authenticator.state in (state, *_RETIRED):
        raise _already(authenticator)
    authenticator.state = state
    authenticator.save(update_fields=["state"])
    _audit_device(authenticator, AuditEventType.DEVICE_REPORTED, agent, client, state=state)
    device_reported.send(
        sender=Authenticator, authenticator=authenticator, state=state, actor=agent, client=client
    )
    for user in device_sessions_end(
        authenticator, reason=f"device_{state}", agent=agent, client=client
    ):
        security_email_send(
            user=user,
            event=SecurityEmail.DEVICE_REPORTED,
            client=client,
            device=str(authenticator),
            state=str(Authenticator.State(state).label).lower(),
        )
    return authenticator


def device_sessions_end(
    authenticator: Authenticator, *, reason: str, agent: User, client: ClientInfo
) -> list[User]:
    """G3: whoever holds the reported (or removed) device may have used it already, so
    every session and pending login of every user of the device ends now, on both
    channels; its pending pushes and open challenges are withdrawn. Returns those users,
    whom the caller tells by e-mail."""
    now = timezone.now()
    PushRequest.objects.filter(
        device__authenticator=authenticator,
        status=PushRequest.Status.PENDING,
        expires_at__gt=now,
    ).update(expires_at=now)
    Challenge.objects.filter(
        device__authenticator=authenticator, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    users = list(User.objects.filter(pk__in=authenticator.user_devices.values("user_id")))
    for user in users:
        user_sessions_end(user=user, reason=reason, actor=agent, client=client)
    return users


@transaction.atomic
def device_return_record(
    *, authenticator: Authenticator, agent: User, client: ClientInfo
) -> Authenticator:
    """A device came back: it is retired, and its deposit is released (T7, through
    `device_returned`)."""
    authenticator = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
    if authenticator.kind_behaviour.temporary:
        raise ValidationError("Temporary devices are not returned: nothing was sent out.")
    if authenticator.kind_behaviour.self_registered:
        raise ValidationError(NOT_RETURNED)
    if authenticator.state in (Authenticator.State.IN_STOCK, *_RETIRED):
        raise _already(authenticator)
    authenticator.state = Authenticator.State.RETURNED
    authenticator.save(update_fields=["state"])
    _audit_device(authenticator, AuditEventType.DEVICE_RETURNED, agent, client)
    device_returned.send(
        sender=Authenticator, authenticator=authenticator, actor=agent, client=client
    )
    return authenticator


@transaction.atomic
def online_card_issue(*, user: User, client: ClientInfo) -> Authenticator:
    """The online security card of a user who logged in with a temporary passcode (T3);
    the card already made is returned again rather than a second one."""
    _expired_online_cards_end(user, actor=user, client=client)
    existing = _active_temporary(user, Kind.ONLINE_CARD).first()
    if existing is not None:
        return existing
    if not _active_temporary(user, Kind.TEMPORARY_PASSCODE).exists():
        raise ValidationError("The online security card is issued with a temporary passcode.")
    authenticator, grid = scc_issue(
        serial=f"OSC-{secrets.token_hex(5).upper()}", kind=Kind.ONLINE_CARD
    )
    authenticator.state = Authenticator.State.ACTIVE
    authenticator.activated_at = timezone.now()
    authenticator.secret = secret_encrypt(json.dumps(grid).encode())
    authenticator.save(update_fields=["state", "activated_at", "secret"])
    SecurityDevice.objects.create(user=user, authenticator=authenticator, name=str(authenticator))
    audit_record(
        event_type=AuditEventType.ONLINE_CARD_ISSUED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={"serial": authenticator.serial},
    )
    return authenticator


def online_card_grid(authenticator: Authenticator) -> dict[int, str]:
    """The card's codes, for its holder to print or save again while it is valid."""
    grid = json.loads(secret_decrypt(authenticator.secret))
    return {int(index): code for index, code in grid.items()}


def temporary_devices_end(
    *, user: User, client: ClientInfo, actor: User | None, detail: dict[str, Any] | None = None
) -> int:
    """T4: the permanent device is back, so the passcode and online card stop at once.
    `detail` says which device came back, for the audit event."""
    ended = _revoke(user, kinds=TEMPORARY_KINDS)
    if ended:
        audit_record(
            event_type=AuditEventType.DEVICE_REACTIVATED,
            outcome=AuditOutcome.SUCCESS,
            subject=user,
            actor=actor,
            client=client,
            detail={**(detail or {}), "temporary_devices_ended": ended},
        )
    return ended


def _expired_online_cards_end(user: User, *, actor: User, client: ClientInfo) -> int:
    """T2, T3: an online card past its 21 days is ended (revoked), so that the next
    passcode leads to a new card with its own 21 days rather than back to this one."""
    now = timezone.now()
    ended = 0
    for card in _active_temporary(user, Kind.ONLINE_CARD):
        if temporary_access(authenticator=card, channel=Channel.PORTAL, at=now).allowed:
            continue
        # Conditional, so that of two requests ending the same card one writes the event.
        if not Authenticator.objects.filter(pk=card.pk, state=Authenticator.State.ACTIVE).update(
            state=Authenticator.State.REVOKED
        ):
            continue
        ended += 1
        audit_record(
            event_type=AuditEventType.ONLINE_CARD_ENDED,
            outcome=AuditOutcome.SUCCESS,
            subject=user,
            actor=actor,
            client=client,
            detail={"serial": card.serial, "reason": "expired"},
        )
    return ended


def _active_temporary(user: User, kind: str) -> QuerySet[Authenticator]:
    return Authenticator.objects.filter(
        kind=kind, state=Authenticator.State.ACTIVE, user_devices__user=user
    )


def _revoke(user: User, *, kinds: tuple[str, ...]) -> int:
    return Authenticator.objects.filter(
        kind__in=kinds, state=Authenticator.State.ACTIVE, user_devices__user=user
    ).update(state=Authenticator.State.REVOKED)


def _already(authenticator: Authenticator) -> ValidationError:
    state = authenticator.get_state_display().lower()
    return ValidationError(f"{authenticator} is already {state}.")


def _audit_device(
    authenticator: Authenticator,
    event_type: AuditEventType,
    agent: User,
    client: ClientInfo,
    **detail: object,
) -> None:
    for device in authenticator.user_devices.select_related("user"):
        audit_record(
            event_type=event_type,
            outcome=AuditOutcome.SUCCESS,
            subject=device.user,
            actor=agent,
            client=client,
            detail={"serial": authenticator.serial, **detail},
        )
