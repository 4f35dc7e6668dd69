"""What happens to a security key outside the gate: registering one after G2's fresh
answer (F1, F2), and flagging a key whose counter went backwards (F1).

Registration has two steps, as the browser needs a round trip between them:
`security_key_registration_begin` takes the fresh answer and gives a pending registration
(its challenge, the chosen name, a short expiry), which the page keeps on the server;
`security_key_register` checks what the browser sent back for that challenge and records
the key. The challenge exists only once the fresh answer is given, so a password or
session thief cannot register a key of their own (G2)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.client_info import SYSTEM, ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from devices import conf
from devices.assurance import PERMANENT_DEVICE_NEEDED, Action
from devices.flows.device_step import step_devices
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.security_keys.selectors import security_keys_of
from devices.security_keys.webauthn import (
    CeremonyRefused,
    RegisteredCredential,
    challenge_new,
    registration_options,
    registration_verify,
)
from devices.self_registered.services import device_registered_record
from devices.services.device_names import device_name_clean
from devices.services.fresh_factor import FreshFactor, fresh_factor_require
from devices.services.on_record import activation_refusal_audit

NAME_REQUIRED = "Give the key a name, so that you can tell your keys apart."
NOT_VERIFIED = (
    "Your security key's answer could not be verified, so no key was added. Open the "
    "portal at its usual address, confirm with the key's PIN, fingerprint or face when "
    "your browser asks, and try again."
)
ALREADY_REGISTERED = (
    "This security key or passkey is already registered, so it was not added again. To "
    "add another, use a different key."
)


@dataclass(frozen=True)
class PendingRegistration:
    """A registration waiting for the browser: single use, for one user, until
    `expires_at`."""

    user_id: int
    name: str
    challenge: str
    expires_at: datetime

    def is_open(self, *, user: User, at: datetime) -> bool:
        return self.user_id == user.pk and at < self.expires_at


def security_key_name_check(name: str, *, user: User) -> str:
    return device_name_clean(name, user=user, required=NAME_REQUIRED)


def security_key_registration_begin(
    *, user: User, name: str, fresh_factor: FreshFactor | None
) -> PendingRegistration:
    """A new challenge for `user`'s key named `name`, once a device answered afresh (G2)."""
    fresh_factor_require(fresh_factor, user=user, action=Action.ADD_SECURITY_KEY)
    return PendingRegistration(
        user_id=user.pk,
        name=security_key_name_check(name, user=user),
        challenge=challenge_new(),
        expires_at=timezone.now() + conf.SECURITY_KEY_REGISTRATION_TTL,
    )


def security_key_creation_options(*, user: User, challenge: str) -> dict[str, Any]:
    """What the page passes to `navigator.credentials.create()`: the user's own keys are
    excluded, so the browser says so rather than registering one key twice for them;
    another user's credential on the same physical key is theirs alone (F2)."""
    return registration_options(
        challenge=challenge,
        user_id=user.pk,
        user_name=user.username,
        exclude_credential_ids=[
            device.authenticator.credential_id for device in security_keys_of(user)
        ],
    )


def security_key_register(
    *, user: User, name: str, answer: str, challenge: str, client: ClientInfo
) -> SecurityDevice:
    """Record the key whose registration `answer` (the browser's JSON) signs `challenge`,
    a challenge of `security_key_registration_begin`. Origin, relying-party id and user
    verification are checked; every attestation is accepted and kept (F1). A refusal
    raises ValidationError with the reason for the user, creates nothing and is audited."""
    name = security_key_name_check(name, user=user)
    if not step_devices(user, Action.ADD_SECURITY_KEY):
        activation_refusal_audit(
            user=user, action=Action.ADD_SECURITY_KEY, reason="no_permanent_device", client=client
        )
        raise ValidationError(PERMANENT_DEVICE_NEEDED, code="no_permanent_device")
    try:
        credential = registration_verify(answer=answer, challenge=challenge)
    except CeremonyRefused as refused:
        security_key_refusal_record(user=user, reason=str(refused), client=client)
        raise ValidationError(NOT_VERIFIED, code="not_verified") from refused
    device = _record(user=user, name=name, credential=credential, client=client)
    if device is None:
        security_key_refusal_record(user=user, reason="already_registered", client=client)
        raise ValidationError(ALREADY_REGISTERED, code="already_registered")
    return device


def security_key_refusal_record(*, user: User, reason: str, client: ClientInfo) -> None:
    """`device.registered`, failed: why a registration added nothing. Called outside any
    transaction that the refusal rolls back, so the event stays."""
    audit_record(
        event_type=AuditEventType.DEVICE_REGISTERED,
        outcome=AuditOutcome.FAILURE,
        subject=user,
        actor=user,
        client=client,
        detail={"kind": Kind.SECURITY_KEY, "reason": reason},
    )


def _record(
    *, user: User, name: str, credential: RegisteredCredential, client: ClientInfo
) -> SecurityDevice | None:
    """The new key and the user's device on it, audited and told to the user; None when
    the credential is registered already (to anyone: a credential id is one key's)."""
    if Authenticator.objects.filter(credential_id=credential.credential_id).exists():
        return None
    try:
        with transaction.atomic():
            now = timezone.now()
            authenticator = Authenticator.objects.create(
                kind=Kind.SECURITY_KEY,
                serial=f"KEY-{secrets.token_hex(6).upper()}",
                state=Authenticator.State.ACTIVE,
                activated_at=now,
                credential_id=credential.credential_id,
                public_key=credential.public_key,
                counter=credential.sign_count,
                attestation_format=credential.attestation_format,
                aaguid=credential.aaguid,
                attestation_object=credential.attestation_object,
            )
            device = SecurityDevice.objects.create(
                user=user, authenticator=authenticator, name=name, created_at=now
            )
            device_registered_record(
                device=device,
                client=client,
                detail={
                    "attestation_format": authenticator.attestation_format,
                    "aaguid": authenticator.aaguid,
                },
            )
    except IntegrityError:
        # Registered by a request that ran alongside this one: the credential's unique
        # constraint decides. Any other integrity error is a fault, not a refusal.
        if Authenticator.objects.filter(credential_id=credential.credential_id).exists():
            return None
        raise
    return device


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
