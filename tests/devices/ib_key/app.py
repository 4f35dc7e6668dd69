"""A minimal IB Key app for tests: a P-256 key pair registered for a user, and signing."""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from accounts.client_info import SYSTEM
from accounts.models import User
from devices.assurance import Action
from devices.gateways.locmem import sent
from devices.ib_key.services import IbKeyRegistration, approval_message, ib_key_register
from devices.models import Challenge, IbKeyActivation, SecurityDevice
from devices.services.challenges import challenge_open_for
from simulators.models import PhoneAppAccount
from simulators.phone import app_authenticate
from tests.login_helpers import card_answer


@dataclass
class TestApp:
    installation_id: str
    private_key: ec.EllipticCurvePrivateKey
    registration: IbKeyRegistration

    def sign(self, push_id: int, number: str, decision: str = "approve") -> str:
        message = approval_message(push_id=push_id, number=number, decision=decision)
        return base64.b64encode(self.private_key.sign(message, ec.ECDSA(hashes.SHA256()))).decode()


def install_app(user: User, installation_id: str | None = None) -> TestApp:
    private_key = ec.generate_private_key(ec.SECP256R1())
    pem = (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    installation_id = installation_id or secrets.token_hex(16)
    registration = ib_key_register(
        user=user, installation_id=installation_id, public_key_pem=pem, client=SYSTEM
    )
    return TestApp(installation_id, private_key, registration)


def device_response(device: SecurityDevice, challenge: Challenge, app_pin: str = "") -> str:
    """What the holder of `device` types for an activation challenge (G2): the card's
    response, the code texted to an SMS device, or the old phone's Authenticate answer."""
    kind = device.authenticator.kind
    if kind == "sms":
        texts = [m for m in sent if m.to == device.authenticator.phone_number]
        return re.search(r"code: (\d+)", texts[-1].body).group(1)
    if kind == "ib_key":
        account = PhoneAppAccount.objects.get(
            serial=device.authenticator.serial, username=device.user.username
        )
        return app_authenticate(account=account, pin=app_pin, challenge=challenge.value)
    return card_answer(device, challenge.value)


def shown_challenge(user: User) -> tuple[SecurityDevice, Challenge]:
    """The device and challenge of the user's pending IB Key activation (G2)."""
    activation = IbKeyActivation.objects.filter(user=user, used_at__isnull=True).latest("pk")
    device = activation.asked_device
    challenge = challenge_open_for(
        device=device, attempt=activation.attempt, purpose=Action.ACTIVATE_IB_KEY
    )
    return device, challenge
