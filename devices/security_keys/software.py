"""A software FIDO2 authenticator: the CLI client, the simulators and the tests answer a
security key's ceremonies with it where no hardware key is at hand. The structures are
python-fido2's (authenticator data, COSE key, attestation object, client data); this
module holds only the key pair, the counter and the flags a real key would set.

It is a stand-in for a key, not a key: its private key lives in the process (or in the
simulator's row), so it proves nothing about possession of hardware.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

# A software authenticator has no certified model: the all-zero AAGUID says so.
SOFTWARE_AAGUID = bytes(16)


@dataclass
class SoftwareAuthenticator:
    """One credential on one software key. `user_verified` stands for the PIN or the
    fingerprint a real key asks; `counter_step` 0 makes a key that keeps no counter."""

    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    sign_count: int = 0
    counter_step: int = 1
    user_verified: bool = True

    def create(self, options: dict[str, Any], *, origin: str) -> dict[str, Any]:
        """Answer `navigator.credentials.create()`'s options, as the browser would post
        them (`PublicKeyCredential.toJSON()`), with "none" attestation."""
        rp_id = options["rp"]["id"]
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=websafe_decode(options["challenge"]), origin=origin
        )
        # python-fido2 leaves this one constructor unannotated.
        cose_key = ES256.from_cryptography_key(self.public_key())  # type: ignore[no-untyped-call]
        credential = AttestedCredentialData.create(SOFTWARE_AAGUID, self.credential_id, cose_key)
        auth_data = AuthenticatorData.create(
            sha256(rp_id.encode()).digest(),
            self._flags() | AuthenticatorData.FLAG.AT,
            self.sign_count,
            credential,
        )
        attestation = AttestationObject.create("none", auth_data, {})
        return {
            "id": self.credential_id_b64,
            "rawId": self.credential_id_b64,
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(bytes(client_data)),
                "attestationObject": websafe_encode(bytes(attestation)),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options: dict[str, Any], *, origin: str, rp_id: str = "") -> dict[str, Any]:
        """Answer `navigator.credentials.get()`'s options: count one more use and sign."""
        rp_id = rp_id or options["rpId"]
        self.sign_count += self.counter_step
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=websafe_decode(options["challenge"]), origin=origin
        )
        auth_data = AuthenticatorData.create(
            sha256(rp_id.encode()).digest(), self._flags(), self.sign_count
        )
        signature = self.private_key.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": self.credential_id_b64,
            "rawId": self.credential_id_b64,
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(bytes(client_data)),
                "authenticatorData": websafe_encode(bytes(auth_data)),
                "signature": websafe_encode(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    @property
    def credential_id_b64(self) -> str:
        return websafe_encode(self.credential_id)

    def _flags(self) -> AuthenticatorData.FLAG:
        flags = AuthenticatorData.FLAG.UP
        if self.user_verified:
            flags |= AuthenticatorData.FLAG.UV
        return flags

    def to_json(self) -> str:
        """The key as the simulator keeps it: its credential, private key and counter."""
        return json.dumps(
            {
                "credential_id": self.credential_id_b64,
                "private_key": self.private_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ).decode(),
                "sign_count": self.sign_count,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> SoftwareAuthenticator:
        data = json.loads(text)
        private_key = serialization.load_pem_private_key(data["private_key"].encode(), None)
        if not isinstance(private_key, ec.EllipticCurvePrivateKey):
            raise ValueError("not an EC key")
        return cls(
            credential_id=websafe_decode(data["credential_id"]),
            private_key=private_key,
            sign_count=int(data["sign_count"]),
        )
