"""Demo security devices: one demo user per kind, one with two devices (M2FS), and cards for
staff, so that every demo login is two-factor."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction

from accounts.client_info import SYSTEM
from accounts.models import User
from devices.ib_key.services import ib_key_register
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.services.inventory import (
    authenticator_assign,
    authenticator_build,
    scc_issue,
    sms_device_add,
)
from devices.signals import demo_phone_activated, grid_card_printed

DEMO_PIN = "1234"
DEMO_MOBILE = "+14155550123"


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
        devices.append(DemoDevice(username, serial or kind.upper(), HOW[kind]))
    for serial in DEMO_STOCK:
        if not Authenticator.objects.filter(serial=serial).exists():
            authenticator_build(
                kind=Kind.DSC_PLUS, serial=serial, secret=secrets.token_bytes(32)
            ).save()
    return devices


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
