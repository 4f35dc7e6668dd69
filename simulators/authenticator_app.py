"""An authenticator app on a simulated phone (F3): it takes the key the portal shows when
an app is added, as the QR code's otpauth:// link or typed in base32, and shows the current
code computed with pyotp from that key and the clock. It never talks to the server."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from dataclasses import dataclass

import pyotp
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.validators import has_control_character
from devices.crypto import SecretUnreadable, secret_decrypt, secret_encrypt
from simulators.models import PhoneAppInstallation, PhoneAuthenticatorAccount

# RFC 4648 base32 as apps show it, padding optional; at least 80 bits (RFC 4226 asks 128).
BASE32 = re.compile(r"[A-Z2-7]{16,128}=*")
PERIODS = range(15, 121)
NOT_A_KEY = (
    "Paste the link of the QR code (otpauth://totp/…) or type the key shown beside it: "
    "16 or more letters A to Z and digits 2 to 7."
)
NOT_TIME_BASED = "This app shows time-based codes only (otpauth://totp/…, SHA1, 15 to 120 s)."
NAME_UNREADABLE = "The link's name is too long or holds control characters."


@dataclass(frozen=True)
class AuthenticatorKey:
    """What the app keeps of one account."""

    secret: bytes
    issuer: str = ""
    label: str = ""
    digits: int = 6
    period: int = 30


@dataclass(frozen=True)
class ShownCode:
    """One line of the app's screen; `code` is empty when no key opens the stored secret."""

    account: PhoneAuthenticatorAccount
    code: str
    seconds_left: int


def authenticator_key_parse(text: str) -> AuthenticatorKey:
    """The key in an otpauth://totp link or typed as base32 (spaces and case ignored)."""
    text = text.strip()
    if not text.lower().startswith("otpauth:"):
        return AuthenticatorKey(secret=_base32_decode("".join(text.split()).upper()))
    try:
        otp = pyotp.parse_uri(text)
    except ValueError as exc:
        raise ValidationError(NOT_A_KEY) from exc
    if type(otp) is not pyotp.TOTP or otp.digest is not hashlib.sha1:
        raise ValidationError(NOT_TIME_BASED)
    if otp.interval not in PERIODS:
        raise ValidationError(NOT_TIME_BASED)
    issuer, label = otp.issuer or "", otp.name or ""
    if len(issuer) > 64 or len(label) > 128 or has_control_character(issuer + label):
        raise ValidationError(NAME_UNREADABLE)
    return AuthenticatorKey(
        secret=_base32_decode(otp.secret.upper()),
        issuer=issuer,
        label=label,
        digits=otp.digits,
        period=otp.interval,
    )


def authenticator_account_add(
    *, installation: PhoneAppInstallation, text: str, name: str = ""
) -> PhoneAuthenticatorAccount:
    """Keep the account of the pasted link or typed key, its key encrypted like the
    phone's other secrets; `name`, as a person gives it to a typed key, names it."""
    key = authenticator_key_parse(text)
    return PhoneAuthenticatorAccount.objects.create(
        installation=installation,
        issuer=key.issuer,
        label=name.strip() or key.label,
        secret=secret_encrypt(key.secret),
        digits=key.digits,
        period=key.period,
    )


def authenticator_codes(installation: PhoneAppInstallation) -> list[ShownCode]:
    """What the app shows now: each account's current code and the seconds it has left."""
    now = time.time()
    accounts: QuerySet[PhoneAuthenticatorAccount] = installation.authenticator_accounts.order_by(
        "pk"
    )
    return [
        ShownCode(
            account=account,
            code=_code(account, now),
            seconds_left=account.period - int(now) % account.period,
        )
        for account in accounts
    ]


def _code(account: PhoneAuthenticatorAccount, now: float) -> str:
    try:
        secret = secret_decrypt(account.secret)
    except SecretUnreadable:
        return ""
    key = base64.b32encode(secret).decode("ascii")
    return pyotp.TOTP(key, digits=account.digits, interval=account.period).at(now)


def _base32_decode(secret: str) -> bytes:
    if not BASE32.fullmatch(secret):
        raise ValidationError(NOT_A_KEY)
    try:
        return base64.b32decode(secret.rstrip("=") + "=" * (-len(secret.rstrip("=")) % 8))
    except binascii.Error as exc:
        raise ValidationError(NOT_A_KEY) from exc
