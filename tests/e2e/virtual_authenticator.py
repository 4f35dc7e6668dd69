"""Chromium's virtual authenticator, through the DevTools protocol's WebAuthn domain: a
security key the browser itself believes in, so the pages' `navigator.credentials` calls
run as they would with a key in the USB port or a platform passkey. The tests read its
credentials (with their sign counts) and put them back, which is how a cloned key is made.

The protocol's binary fields (credential id, private key, user handle) are standard base64;
the portal stores credential ids as base64url: `credential_id_b64url` converts."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from playwright.sync_api import CDPSession, Page

from devices.security_keys.software import SoftwareAuthenticator

Transport = Literal["usb", "internal", "nfc", "ble"]


@dataclass
class VirtualAuthenticator:
    """One virtual CTAP2 authenticator attached to a page's browser context."""

    cdp: CDPSession
    authenticator_id: str

    @classmethod
    def attach(
        cls, page: Page, *, transport: Transport = "usb", user_verified: bool = True
    ) -> VirtualAuthenticator:
        """A key that verifies its user (a PIN or a fingerprint) and is touched at once:
        `automaticPresenceSimulation` answers every ceremony without a prompt."""
        cdp = page.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable", {"enableUI": False})
        added = cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": transport,
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": user_verified,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        return cls(cdp=cdp, authenticator_id=added["authenticatorId"])

    def credentials(self) -> list[dict[str, Any]]:
        """Every credential on the key, as the protocol's `Credential`: credentialId,
        rpId, privateKey (PKCS#8), userHandle, signCount, isResidentCredential."""
        answer = self.cdp.send(
            "WebAuthn.getCredentials", {"authenticatorId": self.authenticator_id}
        )
        return list(answer["credentials"])

    def credential(self) -> dict[str, Any]:
        """The key's only credential."""
        (only,) = self.credentials()
        return only

    def credential_add(self, credential: dict[str, Any]) -> None:
        self.cdp.send(
            "WebAuthn.addCredential",
            {"authenticatorId": self.authenticator_id, "credential": credential},
        )

    def credential_import(self, key: SoftwareAuthenticator) -> None:
        """Put a software key's credential (its private key and sign count) on this one,
        for the portal's relying party: a key registered on the server without a browser
        then answers in the browser."""
        private_key = key.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.credential_add(
            {
                "credentialId": base64.b64encode(key.credential_id).decode(),
                "isResidentCredential": False,
                "rpId": settings.SLS_WEBAUTHN_RP_ID,
                "privateKey": base64.b64encode(private_key).decode(),
                "signCount": key.sign_count,
            }
        )

    def credential_remove(self, credential_id: str) -> None:
        self.cdp.send(
            "WebAuthn.removeCredential",
            {"authenticatorId": self.authenticator_id, "credentialId": credential_id},
        )

    def user_verified_set(self, verified: bool) -> None:
        """Whether the next ceremony's user verification (PIN, fingerprint) succeeds."""
        self.cdp.send(
            "WebAuthn.setUserVerified",
            {"authenticatorId": self.authenticator_id, "isUserVerified": verified},
        )

    def detach(self) -> None:
        self.cdp.send(
            "WebAuthn.removeVirtualAuthenticator", {"authenticatorId": self.authenticator_id}
        )
        self.cdp.detach()


def credential_id_b64url(credential: dict[str, Any]) -> str:
    """The protocol's credential id (base64) as the portal stores it (base64url, no
    padding)."""
    raw = base64.b64decode(credential["credentialId"])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def webauthn_without_authenticator(page: Page) -> CDPSession:
    """A browser with no security key at hand: Chromium's WebAuthn under the protocol's
    control with no authenticator attached, so a ceremony ends, as when no key is
    plugged in, once its timeout has passed (headless Chromium outside this mode shows no
    dialog and never ends it)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    return cdp
