"""Cards in stock and in clients' hands: registering, issuing grid cards, assigning."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send
from devices import conf
from devices.crypto import cell_digest, secret_encrypt
from devices.kinds import KINDS, Kind
from devices.models import Authenticator, CardCell, SecurityDevice
from devices.ocra import ocra_uses_pin, ocra_validate_suite

PIN_PATTERN = re.compile(r"[0-9]{4}")
# F1, F3: a security key's credential and an authenticator app's secret are made by the
# holder's own key or phone, registered from the portal after a fresh answer (G2). Stock
# and staff never hold one, so an agent cannot add a device to a client's account.
NOT_IN_STOCK = (
    "Security keys and authenticator apps are registered by their holders from the Secure "
    "Login System page; none is ever put in stock."
)
NOT_ASSIGNED_BY_STAFF = (
    "Security keys and authenticator apps are registered by their holders from the Secure "
    "Login System page after answering a security device; staff cannot assign one."
)


def authenticator_build(
    *, kind: str, serial: str, secret: bytes, ocra_suite: str = "", otp_mode: str = ""
) -> Authenticator:
    """An unsaved, validated card with its secret encrypted (D4)."""
    if kind not in KINDS:
        raise ValidationError(f"Unknown device kind {kind!r}.")
    behaviour = KINDS[kind]
    if behaviour.self_registered:
        raise ValidationError(NOT_IN_STOCK)
    suite = ocra_suite or behaviour.default_ocra_suite
    if suite:
        try:
            ocra_validate_suite(suite)
        except ValueError as exc:
            raise ValidationError(f"Unusable OCRA suite {suite!r}: {exc}") from exc
    if not secret:
        raise ValidationError(f"Card {serial} has no secret.")
    authenticator = Authenticator(
        kind=kind,
        serial=serial,
        secret=secret_encrypt(secret),
        ocra_suite=suite,
        otp_mode=otp_mode or behaviour.default_otp_mode,
    )
    authenticator.full_clean(exclude=["secret", "pin"])
    return authenticator


@transaction.atomic
def scc_issue(*, serial: str, kind: str = Kind.SCC) -> tuple[Authenticator, dict[int, str]]:
    """A new grid card (paper SCC or online card). The codes are returned once, for
    printing; the database keeps only their keyed hashes."""
    authenticator = Authenticator(kind=kind, serial=serial)
    authenticator.full_clean(exclude=["secret", "pin"])
    authenticator.save()
    grid = {
        index: f"{secrets.randbelow(10**conf.SCC_CODE_DIGITS):0{conf.SCC_CODE_DIGITS}d}"
        for index in range(1, conf.SCC_CELLS + 1)
    }
    CardCell.objects.bulk_create(
        CardCell(
            authenticator=authenticator,
            index=index,
            digest=cell_digest(card_id=serial, index=index, code=code),
        )
        for index, code in grid.items()
    )
    return authenticator, grid


@transaction.atomic
def authenticator_assign(
    *,
    authenticator: Authenticator,
    user: User,
    pin: str = "",
    actor: User | None,
    client: ClientInfo,
) -> SecurityDevice:
    """Hand an in-stock card to a user and activate it; a PIN card needs its PIN now."""
    authenticator = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
    if authenticator.kind_behaviour.self_registered:
        raise ValidationError(NOT_ASSIGNED_BY_STAFF)
    if authenticator.state != Authenticator.State.IN_STOCK:
        raise ValidationError(f"{authenticator} is {authenticator.get_state_display().lower()}.")
    if user.client_id is None and not user.is_staff:
        raise ValidationError("Security devices are assigned to clients' users and staff.")
    if authenticator.ocra_suite and ocra_uses_pin(authenticator.ocra_suite):
        _set_pin(authenticator, pin)
    now = timezone.now()
    authenticator.state = Authenticator.State.ACTIVE
    authenticator.activated_at = now
    authenticator.save(update_fields=["state", "activated_at", "pin"])
    device = SecurityDevice.objects.create(
        user=user, authenticator=authenticator, name=str(authenticator)
    )
    audit_record(
        event_type=AuditEventType.DEVICE_ASSIGNED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=actor,
        client=client,
        detail={"serial": authenticator.serial, "kind": authenticator.kind},
    )
    _added(user, authenticator, client)
    return device


@transaction.atomic
def sms_device_add(*, user: User, phone_number: str, client: ClientInfo) -> SecurityDevice:
    """An active SMS device on a confirmed mobile number (E.164)."""
    authenticator = Authenticator.objects.create(
        kind=Kind.SMS,
        serial=f"SMS-{secrets.token_hex(6).upper()}",
        phone_number=phone_number,
        state=Authenticator.State.ACTIVE,
        activated_at=timezone.now(),
    )
    device = SecurityDevice.objects.create(
        user=user, authenticator=authenticator, name=str(authenticator)
    )
    audit_record(
        event_type=AuditEventType.DEVICE_ASSIGNED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={"serial": authenticator.serial, "kind": authenticator.kind},
    )
    _added(user, authenticator, client)
    return device


def pin_encrypted(pin: str) -> str:
    """A card PIN as stored (D4), once it is exactly four digits 0-9."""
    if not PIN_PATTERN.fullmatch(pin):
        raise ValidationError("The PIN must be exactly 4 digits.")
    return secret_encrypt(pin.encode())


def _set_pin(authenticator: Authenticator, pin: str) -> None:
    authenticator.pin = pin_encrypted(pin)


def _added(user: User, authenticator: Authenticator, client: ClientInfo) -> None:
    security_email_send(
        user=user, event=SecurityEmail.DEVICE_ADDED, client=client, device=str(authenticator)
    )
