"""A minimal IB Key app for tests: a P-256 key pair registered for a user, and signing."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from accounts.client_info import SYSTEM
from accounts.models import User
from devices.services.ib_key import IbKeyRegistration, approval_message, ib_key_register


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
