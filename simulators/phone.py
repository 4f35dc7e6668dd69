"""The IBKR Mobile app on a simulated phone: what the app holds (its private key, its PIN
hash, the offline secret of each user) and what it computes. It reaches the server only
as the app would, through the IB Key services; it never reads the login in progress."""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import QuerySet

from accounts.client_info import ClientInfo
from devices.crypto import secret_decrypt, secret_encrypt
from devices.ib_key.activation import ib_key_activation_finish
from devices.ib_key.push import Decision, push_decide
from devices.ib_key.services import IbKeyRegistration, approval_message
from devices.models import OutboundMessage, PushRequest
from devices.ocra import ocra_response
from simulators.models import PhoneAppAccount, PhoneAppInstallation


class AppError(Exception):
    """The app refuses before anything is sent: wrong PIN, biometrics off, bad input."""


def phone_install(
    *, platform: str, os_version: str, rooted: bool, biometrics: bool
) -> PhoneAppInstallation:
    """A fresh install: a new installation id and nothing else until activation."""
    return PhoneAppInstallation.objects.create(
        installation_id=secrets.token_hex(16),
        platform=platform,
        os_version=os_version,
        rooted=rooted,
        biometrics=biometrics,
    )


def app_pin_check(*, installation: PhoneAppInstallation, pin: str) -> None:
    """The app checks its own PIN; the server never sees it."""
    if not installation.pin_hash or not check_password(pin, installation.pin_hash):
        raise AppError("PIN incorrect.")


def app_activate(
    *,
    installation: PhoneAppInstallation,
    token: str,
    code: str,
    pin: str,
    biometrics: bool,
    client: ClientInfo,
) -> PhoneAppAccount:
    """Finish K1 on the phone: the first user chooses the app's PIN, whether to use
    biometrics, and the app makes its key pair; a further user (K3) confirms with that PIN
    and the same key. The phone keeps nothing new unless the server accepts."""
    if installation.pin_hash:
        app_pin_check(installation=installation, pin=pin)
    private_key = app_private_key(installation)
    registration = ib_key_activation_finish(
        token=token,
        code=code,
        installation_id=installation.installation_id,
        public_key_pem=app_public_pem(private_key),
        client=client,
    )
    return app_keep_registration(
        installation=installation,
        private_key=private_key,
        registration=registration,
        pin=pin,
        biometrics=biometrics,
    )


def app_keep_registration(
    *,
    installation: PhoneAppInstallation,
    private_key: ec.EllipticCurvePrivateKey,
    registration: IbKeyRegistration,
    pin: str,
    biometrics: bool,
) -> PhoneAppAccount:
    """What the phone keeps once the server accepted: its key and PIN on first activation,
    and the account with its offline secret."""
    user = registration.device.user
    authenticator = registration.device.authenticator
    with transaction.atomic():
        if not installation.pin_hash:
            installation.pin_hash = make_password(pin)
            installation.private_key = secret_encrypt(_private_pem(private_key))
            installation.biometrics = installation.biometrics and biometrics
        installation.save(update_fields=["pin_hash", "private_key", "biometrics"])
        account, _ = PhoneAppAccount.objects.update_or_create(
            installation=installation,
            username=user.username,
            defaults={
                "serial": authenticator.serial,
                "ocra_suite": authenticator.ocra_suite,
                "ocra_secret": secret_encrypt(registration.ocra_secret),
            },
        )
    return account


def push_answer(
    *,
    installation: PhoneAppInstallation,
    push_id: int,
    typed_number: str,
    decision: Decision,
    method: str,
    pin: str,
    client: ClientInfo,
) -> PushRequest:
    """Approve (after the PIN or biometrics on the phone) or report a notification: the app
    signs request, typed number and decision with its key and sends them as they are."""
    if decision == "approve" and method == PushRequest.Method.BIOMETRIC:
        if not installation.biometrics:
            raise AppError("Biometrics are not enabled in this app.")
    elif decision == "approve":
        app_pin_check(installation=installation, pin=pin)
    message = approval_message(push_id=push_id, number=typed_number, decision=decision)
    return push_decide(
        push_id=push_id,
        installation_id=installation.installation_id,
        typed_number=typed_number,
        decision=decision,
        method=method,
        signature=app_sign(installation=installation, message=message),
        client=client,
    )


def app_sign(*, installation: PhoneAppInstallation, message: bytes) -> str:
    """ECDSA-SHA256 with the app's private key, base64 of the DER signature."""
    if not installation.private_key:
        raise AppError("Activate IB Key in this app first.")
    key = app_private_key(installation)
    return base64.b64encode(key.sign(message, ec.ECDSA(hashes.SHA256()))).decode("ascii")


def app_authenticate(*, account: PhoneAppAccount, pin: str, challenge: str) -> str:
    """K2's fallback: after the app's PIN, the OCRA response to the challenge from login."""
    app_pin_check(installation=account.installation, pin=pin)
    try:
        return ocra_response(
            suite=account.ocra_suite, key=secret_decrypt(account.ocra_secret), challenge=challenge
        )
    except ValueError as exc:
        raise AppError("The app cannot read that challenge.") from exc


def inbox_messages(*, number: str, channel: str) -> QuerySet[OutboundMessage]:
    """What reached a phone number through the outbox gateway, newest first."""
    return OutboundMessage.objects.filter(to=number, channel=channel)


def app_private_key(installation: PhoneAppInstallation) -> ec.EllipticCurvePrivateKey:
    """The app's key pair, made on first use."""
    if installation.private_key:
        return serialization.load_pem_private_key(secret_decrypt(installation.private_key), None)
    return ec.generate_private_key(ec.SECP256R1())


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def app_public_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
