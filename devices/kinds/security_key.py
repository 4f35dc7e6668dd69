"""A security key or passkey (F1, F2): a FIDO2 credential answering WebAuthn. Its private
key never leaves the authenticator and every assertion is bound to the portal's origin,
so neither a phishing page nor a copy of the database can answer for it: it stands with
the DSC+ at level 5, in the unlimited row. It is never shared: each user registers their
own credential, even on one physical key."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from devices.kinds.base import DeviceKind, WithdrawalTier
from devices.security_keys.webauthn import (
    ANSWER_MAX_LENGTH,
    CeremonyRefused,
    assertion_options,
    assertion_verify,
    challenge_new,
    sign_count_went_back,
)

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge

POSSIBLY_CLONED = (
    "This security key was flagged as possibly copied: it answered with a use count "
    "lower than one it had already shown. It cannot approve anything. Use another device, "
    "or call Client Services, who can report it lost."
)


class SecurityKey(DeviceKind):
    code = "security_key"
    label = "Security key or passkey"
    level = 5
    withdrawal_tier = WithdrawalTier.UNLIMITED
    response_label = "Answer from your security key"
    response_inputmode = "none"
    response_pattern = re.compile(r"\{.*\}", re.DOTALL)
    challenge_label = "Security key request"
    # The signature counter, moved forward by every accepted assertion.
    state_fields = ("counter",)
    columns = frozenset(
        {"credential_id", "public_key", "attestation_format", "aaguid", "attestation_object"}
    )
    required_columns = frozenset({"credential_id", "public_key", "attestation_format"})
    simulator_action = "webauthn"
    answered_by_browser = True
    self_registered = True

    def prompt(self, challenge: str) -> str:
        return (
            "Use your security key or passkey: when your browser asks, touch the key or "
            "confirm with your fingerprint, face or device PIN."
        )

    def new_challenge(self, authenticator: Authenticator) -> str:
        return challenge_new()

    def client_options(self, authenticator: Authenticator, challenge: str) -> dict[str, Any]:
        return assertion_options(challenge=challenge, credential_id=authenticator.credential_id)

    def answer_refused(self, authenticator: Authenticator) -> str:
        return POSSIBLY_CLONED if authenticator.clone_suspected_at else ""

    def response_is_well_formed(self, response: str) -> bool:
        return len(response) <= ANSWER_MAX_LENGTH and super().response_is_well_formed(response)

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        try:
            sign_count = assertion_verify(
                answer=response,
                challenge=challenge.value,
                credential_id=authenticator.credential_id,
                public_key=authenticator.public_key,
            )
        except CeremonyRefused:
            return False
        if sign_count_went_back(stored=authenticator.counter, new=sign_count):
            # Imported here: the services build on the models, which build on the kinds.
            from devices.security_keys.services import security_key_flag_cloned

            security_key_flag_cloned(authenticator, sign_count=sign_count)
            return False
        authenticator.counter = sign_count
        return True
