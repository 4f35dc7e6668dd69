"""IB Key registrations on the server: the app's public key and offline secret (K1), one
app serving several users of one person (K3), a new installation retiring the old (K4),
and the SMS device of a new applicant retired once IB Key is active (K7)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send
from devices import conf
from devices.crypto import secret_decrypt, secret_encrypt
from devices.kinds import Kind, kind_codes
from devices.models import Authenticator, SecurityDevice

OCRA_SECRET_BYTES = 32


@dataclass(frozen=True)
class IbKeyRegistration:
    """What the server hands back to the app once: its device and the offline secret."""

    device: SecurityDevice
    ocra_secret: bytes


def public_key_load(public_key_pem: str) -> ec.EllipticCurvePublicKey:
    """An EC P-256 public key from PEM, or a ValidationError."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except (ValueError, TypeError, UnicodeError) as exc:
        raise ValidationError("The app's public key is not a PEM public key.") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValidationError("The app's key must be an EC P-256 key.")
    return key


def approval_message(*, push_id: int, number: str, decision: str) -> bytes:
    """The bytes an approval signs: which request, which number was typed, what was decided."""
    return f"sls-ib-key-push:{push_id}:{number}:{decision}".encode()


def approval_signature_valid(*, public_key_pem: str, message: bytes, signature: str) -> bool:
    """ECDSA-SHA256 over `message` by the app's key; a malformed signature is just invalid."""
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key_load(public_key_pem).verify(raw, message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, ValidationError):
        return False
    return True


@transaction.atomic
def ib_key_register(
    *, user: User, installation_id: str, public_key_pem: str, client: ClientInfo
) -> IbKeyRegistration:
    """Register `user` in the app installation `installation_id`."""
    public_key_load(public_key_pem)
    authenticator = (
        Authenticator.objects.select_for_update()
        .filter(
            kind=Kind.IB_KEY,
            app_installation=installation_id,
            state=Authenticator.State.ACTIVE,
        )
        .first()
    )
    if authenticator is not None:
        _refuse_other_person(authenticator, user)
        if authenticator.public_key != public_key_pem:
            raise ValidationError("This installation is registered with another key.")
    _retire_other_installations(user, installation_id)
    if authenticator is None:
        ocra_secret = secrets.token_bytes(OCRA_SECRET_BYTES)
        authenticator = Authenticator.objects.create(
            kind=Kind.IB_KEY,
            serial=f"IBK-{installation_id[:16]}",
            state=Authenticator.State.ACTIVE,
            public_key=public_key_pem,
            app_installation=installation_id,
            ocra_suite=conf.IB_KEY_SUITE,
            secret=secret_encrypt(ocra_secret),
            activated_at=timezone.now(),
        )
    else:
        ocra_secret = secret_decrypt(authenticator.secret)
    device, _ = SecurityDevice.objects.update_or_create(
        user=user,
        authenticator=authenticator,
        defaults={"name": str(authenticator), "confirmed": True},
    )
    _retire_sms(user)
    audit_record(
        event_type=AuditEventType.DEVICE_ASSIGNED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={"serial": authenticator.serial, "kind": authenticator.kind},
    )
    security_email_send(
        user=user, event=SecurityEmail.DEVICE_ADDED, client=client, device=str(authenticator)
    )
    return IbKeyRegistration(device=device, ocra_secret=ocra_secret)


def _refuse_other_person(authenticator: Authenticator, user: User) -> None:
    """K3: "Add user" is for another user of the same person or entity."""
    holders = set(authenticator.user_devices.values_list("user__client_id", flat=True))
    if holders and holders != {user.client_id}:
        raise ValidationError("Add user is only for users of the same person or entity.")


def _retire_other_installations(user: User, installation_id: str) -> None:
    """K4: a new phone or a reinstall makes the old registration stop working."""
    SecurityDevice.objects.filter(user=user, authenticator__kind=Kind.IB_KEY).exclude(
        authenticator__app_installation=installation_id
    ).update(confirmed=False)


def _retire_sms(user: User) -> None:
    """K7: the new applicant's temporary SMS device ends when IB Key is active."""
    stand_ins = kind_codes(lambda kind: kind.until_ib_key)
    Authenticator.objects.filter(kind__in=stand_ins, user_devices__user=user).update(
        state=Authenticator.State.REVOKED
    )
