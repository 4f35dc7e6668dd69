"""Adding an authenticator app (F3, G2): a fresh answer from a permanent device opens a
pending enrolment with a new secret; the app's first code confirms it and makes the app an
active device of the user, with the name the user chose.

The first code is checked here, not in the gate: it is no second factor of the user yet,
only proof that the app holds the secret just shown, as an activation code proves a phone
number (E1, K1). It is checked by the kind's own RFC 6238 function, which keeps the step
it accepted, so the code that confirmed the app cannot log in afterwards (D2)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.lockout import lockout_is_active
from devices import conf
from devices.assurance import Action
from devices.crypto import SecretUnreadable, secret_decrypt, secret_encrypt
from devices.kinds.authenticator_app import AuthenticatorApp
from devices.kinds.one_time_code import TOTP_STEP_SECONDS, totp_check
from devices.models import Authenticator, AuthenticatorAppEnrolment, SecurityDevice
from devices.self_registered.services import device_registered_record
from devices.services.device_names import device_name_clean
from devices.services.fresh_factor import FreshFactor, fresh_factor_require

ACTION = Action.ADD_AUTHENTICATOR_APP
# What the app lists the account under, beside the user name.
ISSUER = "SLS Portal"
# RFC 4226 asks for at least 128 bits and recommends 160: the length of SHA-1's output.
SECRET_BYTES = 20
NAME_REQUIRED = "Give the app a name, such as the phone it is on."
CODE_MALFORMED = "Type the six digits your app shows, without spaces."
WRONG_CODE = (
    "That code does not match. Check that the app lists SLS Portal, then type the code it "
    "shows now."
)
ENROLMENT_OVER = "This enrolment has expired or ended. Start again to get a new QR code."


@dataclass(frozen=True)
class PendingApp:
    """An open enrolment and what the user needs to put it into an app."""

    enrolment: AuthenticatorAppEnrolment
    uri: str
    secret: str

    @property
    def secret_groups(self) -> list[str]:
        """The base32 secret in groups of four, for typing it in by hand."""
        return [self.secret[index : index + 4] for index in range(0, len(self.secret), 4)]


def authenticator_app_name_clean(name: str, *, user: User) -> str:
    return device_name_clean(name, user=user, required=NAME_REQUIRED)


def authenticator_app_enrolment_start(
    *, user: User, name: str, fresh_factor: FreshFactor | None
) -> AuthenticatorAppEnrolment:
    """A pending enrolment with a new secret, after the fresh answer (G2). Any earlier one
    of the user ends, so only the QR code shown last can be confirmed."""
    fresh_factor_require(fresh_factor, user=user, action=ACTION)
    name = authenticator_app_name_clean(name, user=user)
    now = timezone.now()
    with transaction.atomic():
        _open_enrolments(user, now).update(used_at=now, secret="")
        return AuthenticatorAppEnrolment.objects.create(
            user=user,
            name=name,
            secret=secret_encrypt(secrets.token_bytes(SECRET_BYTES)),
            created_at=now,
            expires_at=now + conf.AUTHENTICATOR_APP_ENROLMENT_TTL,
        )


def authenticator_app_pending(*, user: User, enrolment_id: object) -> PendingApp | None:
    """The user's open enrolment `enrolment_id` with its QR code's link and the secret;
    None for anything else (someone else's, used, expired, or a secret no key opens)."""
    if not isinstance(enrolment_id, int) or isinstance(enrolment_id, bool):
        return None
    enrolment = _open_enrolments(user, timezone.now()).filter(pk=enrolment_id).first()
    if enrolment is None:
        return None
    try:
        secret = base64.b32encode(secret_decrypt(enrolment.secret)).decode("ascii")
    except SecretUnreadable:
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
    uri = totp.provisioning_uri(name=user.username, issuer_name=ISSUER)
    return PendingApp(enrolment=enrolment, uri=uri, secret=secret)


def authenticator_app_enrolment_confirm(
    *, user: User, enrolment_id: int, code: str, client: ClientInfo
) -> SecurityDevice:
    """The app's first code confirms the enrolment: a new active authenticator holding its
    secret, with that code's step spent, and the user's device named as chosen. Audited,
    and the user is told in the portal and by e-mail (G2). A wrong code changes nothing."""
    if not AuthenticatorApp.response_pattern.fullmatch(code):
        raise ValidationError(CODE_MALFORMED, code="malformed")
    now = timezone.now()
    with transaction.atomic():
        enrolment = _open_enrolments(user, now).select_for_update().filter(pk=enrolment_id).first()
        if enrolment is None or lockout_is_active(user=user, at=now):
            raise ValidationError(ENROLMENT_OVER, code="over")
        authenticator = Authenticator(
            kind=AuthenticatorApp.code,
            serial=f"APP-{secrets.token_hex(6).upper()}",
            state=Authenticator.State.ACTIVE,
            secret=enrolment.secret,
            activated_at=now,
        )
        try:
            confirmed = totp_check(authenticator, code)
        except SecretUnreadable as exc:
            raise ValidationError(ENROLMENT_OVER, code="over") from exc
        if not confirmed:
            raise ValidationError(WRONG_CODE, code="wrong_code")
        authenticator.full_clean(exclude=["secret", "pin"])
        authenticator.save()
        device = SecurityDevice.objects.create(
            user=user, authenticator=authenticator, name=enrolment.name, confirmed=True
        )
        # The secret now lives on the authenticator only, where key rotation reaches it.
        enrolment.used_at, enrolment.secret = now, ""
        enrolment.save(update_fields=["used_at", "secret"])
        device_registered_record(device=device, client=client)
    return device


def _open_enrolments(user: User, at: datetime) -> QuerySet[AuthenticatorAppEnrolment]:
    return AuthenticatorAppEnrolment.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=at
    )
