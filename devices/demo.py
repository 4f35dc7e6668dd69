"""Demo security devices: one demo user per kind, one with two devices (M2FS), and cards for
staff, so that every demo login is two-factor."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

import pyotp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from devices.crypto import secret_decrypt, secret_encrypt
from devices.ib_key.services import ib_key_register
from devices.kinds import Kind
from devices.kinds.one_time_code import TOTP_STEP_SECONDS
from devices.models import Authenticator, SecurityDevice
from devices.security_keys.software import SoftwareAuthenticator
from devices.security_keys.webauthn import (
    challenge_new,
    registration_options,
    registration_verify,
    relying_party,
)
from devices.services.inventory import (
    authenticator_assign,
    authenticator_build,
    scc_issue,
    sms_device_add,
)
from devices.signals import (
    demo_phone_activated,
    demo_security_key_registered,
    grid_card_printed,
)

DEMO_PIN = "1234"
DEMO_MOBILE = "+14155550123"
# The name an authenticator app shows above the demo user's codes.
DEMO_TOTP_ISSUER = "SLS Portal"


@dataclass(frozen=True)
class DemoDevice:
    username: str
    serial: str
    how: str


# (username, kind, serial, OTP mode for one-time-code cards)
DEMO_CARDS = [
    ("alice", Kind.DSC_PLUS, "DSCP-100001", ""),
    ("alice2", Kind.DSC_PLUS, "DSCP-100002", ""),
    ("alice2", Kind.SCC, "SCC-200002", ""),
    ("bob", Kind.SCC, "SCC-200001", ""),
    ("carter", Kind.DSC, "DSC-300001", ""),
    ("dana", Kind.PLATINUM, "PLT-400001", "totp"),
    ("erin", Kind.GOLD, "GLD-500001", "hotp"),
    ("frank", Kind.SMS, "", ""),
    ("grace", Kind.IB_KEY, "", ""),
    ("ivy", Kind.SECURITY_KEY, "", ""),
    ("jack", Kind.AUTHENTICATOR_APP, "", ""),
    ("agent", Kind.SCC, "SCC-900001", ""),
    ("admin", Kind.SCC, "SCC-900002", ""),
    ("security", Kind.SCC, "SCC-900003", ""),
    ("compliance", Kind.SCC, "SCC-900004", ""),
]
# DSC+ cards in inventory, for the request and replacement wizard (T5).
DEMO_STOCK = ["DSCP-800001", "DSCP-800002", "DSCP-800003"]

HOW = {
    Kind.DSC_PLUS: f"DSC+ keypad simulator, PIN {DEMO_PIN}",
    Kind.DSC: "DSC keypad simulator (no PIN)",
    Kind.SCC: "printed Security Code Card",
    Kind.PLATINUM: "Platinum card simulator (time-based code)",
    Kind.GOLD: "Gold card simulator (press for the next code)",
    Kind.SMS: f"SMS to {DEMO_MOBILE}: read it in the phone simulator's inbox",
    Kind.IB_KEY: f"IB Key on the simulated iPhone at /simulators/phone/ (app PIN {DEMO_PIN})",
    Kind.SECURITY_KEY: (
        "security key, at http://localhost:8000 (not 127.0.0.1): answer with the simulated "
        "key at /simulators/security-key/"
    ),
    Kind.AUTHENTICATOR_APP: "authenticator app; add it to any TOTP app",
}


@transaction.atomic
def seed_demo_devices() -> list[DemoDevice]:
    """Create each demo card once; later runs leave cards and their counters alone."""
    devices = []
    for username, kind, serial, otp_mode in DEMO_CARDS:
        if not _demo_device_exists(username, kind, serial):
            demo_card_give(
                user=User.objects.get(username=username),
                kind=kind,
                serial=serial,
                otp_mode=otp_mode,
            )
        devices.append(_demo_device(username, kind, serial))
    for serial in DEMO_STOCK:
        if not Authenticator.objects.filter(serial=serial).exists():
            authenticator_build(
                kind=Kind.DSC_PLUS, serial=serial, secret=secrets.token_bytes(32)
            ).save()
    return devices


def _demo_device(username: str, kind: str, serial: str) -> DemoDevice:
    """What `seed_demo` prints: a self-registered device's serial is made at registration,
    and an authenticator app's secret is shown again as its otpauth URI on every run."""
    if kind in (Kind.SECURITY_KEY, Kind.AUTHENTICATOR_APP):
        authenticator = Authenticator.objects.get(user_devices__user__username=username, kind=kind)
        how = HOW[kind]
        if kind == Kind.AUTHENTICATOR_APP:
            how = f"{how}: {demo_otpauth_uri(authenticator, username=username)}"
        return DemoDevice(username, authenticator.serial, how)
    return DemoDevice(username, serial or kind.upper(), HOW[kind])


def demo_otpauth_uri(authenticator: Authenticator, *, username: str) -> str:
    """The URI an enrolment QR code holds (Key Uri Format): any RFC 6238 app takes it."""
    secret = base64.b32encode(secret_decrypt(authenticator.secret)).decode()
    totp = pyotp.TOTP(secret, digits=authenticator.otp_digits, interval=TOTP_STEP_SECONDS)
    return totp.provisioning_uri(name=username, issuer_name=DEMO_TOTP_ISSUER)


def _demo_device_exists(username: str, kind: str, serial: str) -> bool:
    if serial:
        return Authenticator.objects.filter(serial=serial).exists()
    return SecurityDevice.objects.filter(user__username=username, authenticator__kind=kind).exists()


def demo_card_give(
    *, user: User, kind: str, serial: str, otp_mode: str = "", pin: str = DEMO_PIN
) -> SecurityDevice:
    """Make a card of `kind` with a random seed (a grid card is printed, which the
    simulators keep when installed) and assign it to `user`, as the factory and support
    would."""
    if kind == Kind.SMS:
        return sms_device_add(user=user, phone_number=DEMO_MOBILE, client=SYSTEM)
    if kind == Kind.IB_KEY:
        return _demo_phone(user, pin)
    if kind == Kind.SECURITY_KEY:
        return _demo_security_key(user, serial)
    if kind == Kind.AUTHENTICATOR_APP:
        return _demo_authenticator_app(user, serial)
    if kind == Kind.SCC:
        authenticator, grid = scc_issue(serial=serial)
        grid_card_printed.send(sender=Authenticator, serial=serial, grid=grid)
    else:
        authenticator = authenticator_build(
            kind=kind, serial=serial, secret=secrets.token_bytes(32), otp_mode=otp_mode
        )
        authenticator.save()
    return authenticator_assign(
        authenticator=authenticator, user=user, pin=pin, actor=None, client=SYSTEM
    )


def _demo_phone(user: User, pin: str) -> SecurityDevice:
    """IB Key registered for `user` as if K1 had been done on a phone: the key pair and the
    installation id are made here, as the app would make them, and handed to whoever plays
    the phone (the simulated iPhone, when the simulators are installed)."""
    installation_id = secrets.token_hex(16)
    private_key = ec.generate_private_key(ec.SECP256R1())
    public_key_pem = (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    registration = ib_key_register(
        user=user, installation_id=installation_id, public_key_pem=public_key_pem, client=SYSTEM
    )
    demo_phone_activated.send(
        sender=SecurityDevice,
        installation_id=installation_id,
        private_key=private_key,
        registration=registration,
        pin=pin,
    )
    return registration.device


def _demo_security_key(user: User, serial: str) -> SecurityDevice:
    """A security key registered for `user` through the WebAuthn ceremony itself (F1): the
    creation options the registration page would hand the browser, answered by a software
    key as the browser would post it from the first allowed origin, and verified. The key
    is handed to whoever plays it (the simulators' security key page, when installed)."""
    key = SoftwareAuthenticator()
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge, user_id=user.pk, user_name=user.username, exclude_credential_ids=[]
    )
    answer = key.create(options, origin=relying_party().origins[0])
    credential = registration_verify(answer=json.dumps(answer), challenge=challenge)
    authenticator = Authenticator(
        kind=Kind.SECURITY_KEY,
        serial=serial or f"KEY-{secrets.token_hex(4).upper()}",
        credential_id=credential.credential_id,
        public_key=credential.public_key,
        counter=credential.sign_count,
        aaguid=credential.aaguid,
        attestation_format=credential.attestation_format,
        attestation_object=credential.attestation_object,
    )
    device = _demo_self_registered(user, authenticator, name="Demo security key")
    demo_security_key_registered.send(
        sender=SecurityDevice, key=key, serial=authenticator.serial, username=user.username
    )
    return device


def _demo_authenticator_app(user: User, serial: str) -> SecurityDevice:
    """An authenticator app enrolled for `user` (F3): a 160-bit secret, as RFC 4226
    recommends, which `seed_demo` prints as its otpauth URI."""
    authenticator = Authenticator(
        kind=Kind.AUTHENTICATOR_APP,
        serial=serial or f"APP-{secrets.token_hex(4).upper()}",
        secret=secret_encrypt(secrets.token_bytes(20)),
    )
    return _demo_self_registered(user, authenticator, name="Demo authenticator app")


def _demo_self_registered(user: User, authenticator: Authenticator, *, name: str) -> SecurityDevice:
    """Activate a device its holder registered, under the name the holder chose, and write
    the audit event the portal's own registration writes."""
    authenticator.state = Authenticator.State.ACTIVE
    authenticator.activated_at = timezone.now()
    authenticator.full_clean(exclude=["secret", "pin"])
    authenticator.save()
    device = SecurityDevice.objects.create(user=user, authenticator=authenticator, name=name)
    audit_record(
        event_type=AuditEventType.DEVICE_REGISTERED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=SYSTEM,
        detail={"serial": authenticator.serial, "kind": authenticator.kind},
    )
    return device
