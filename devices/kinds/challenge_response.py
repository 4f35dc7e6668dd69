"""Cards that answer a numeric challenge with OCRA (RFC 6287): DSC+ and the legacy DSC."""

from __future__ import annotations

import hmac
import re
from typing import TYPE_CHECKING

from devices.crypto import secret_decrypt
from devices.kinds.base import DeviceKind
from devices.ocra import ocra_challenge, ocra_response

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge


class OcraCardKind(DeviceKind):
    """The suite is a field of each authenticator, so cards of another suite work too."""

    response_label = "Response from your card"
    columns = frozenset({"ocra_suite"})
    required_columns = frozenset({"ocra_suite"})
    response_pattern = re.compile(r"[0-9]{6,10}")

    def new_challenge(self, authenticator: Authenticator) -> str:
        return ocra_challenge(authenticator.ocra_suite)

    def prompt(self, challenge: str) -> str:
        return f"Enter the challenge {challenge} into your card and type the response it shows."

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        expected = ocra_response(
            suite=authenticator.ocra_suite,
            key=secret_decrypt(authenticator.secret),
            challenge=challenge.value,
            pin=secret_decrypt(authenticator.pin).decode() if authenticator.pin else "",
        )
        return hmac.compare_digest(expected, response)
