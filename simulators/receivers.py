"""The simulators' side of what devices announces (devices/signals.py): the paper of a
printed card, the phone of the demo's IB Key user and the demo's security key, kept as the
client would keep them."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from devices.ib_key.services import IbKeyRegistration
from devices.security_keys.software import SoftwareAuthenticator
from simulators.cards import card_print
from simulators.models import PhoneAppInstallation
from simulators.phone import app_keep_registration
from simulators.security_keys import security_key_keep


def printed_card_keep(sender: object, *, serial: str, grid: dict[int, str], **kwargs: Any) -> None:
    card_print(serial=serial, grid=grid)


def demo_phone_keep(
    sender: object,
    *,
    installation_id: str,
    private_key: ec.EllipticCurvePrivateKey,
    registration: IbKeyRegistration,
    pin: str,
    **kwargs: Any,
) -> None:
    """The demo's phone is an iPhone with biometrics on, the app activated with `pin`."""
    installation = PhoneAppInstallation.objects.create(
        installation_id=installation_id,
        platform=PhoneAppInstallation.Platform.IOS,
        os_version="17.4",
        biometrics=True,
    )
    app_keep_registration(
        installation=installation,
        private_key=private_key,
        registration=registration,
        pin=pin,
        biometrics=True,
    )


def demo_security_key_keep(
    sender: object, *, key: SoftwareAuthenticator, serial: str, username: str, **kwargs: Any
) -> None:
    """The demo's key goes on the security key page, named after its user."""
    security_key_keep(key=key, label=f"Security key of {username}", registered_for=username)
