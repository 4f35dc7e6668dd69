"""The WebAuthn ceremonies of security keys and passkeys (F1), on py_webauthn: the options
a browser passes to `navigator.credentials`, and the checks of what it sends back. Origin,
relying-party id, user verification and signature are the library's checks; no CBOR or
COSE is read here. The sign counter is compared by the kind, which knows the stored one."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

# What the browser is given to finish a ceremony, in milliseconds; the challenge itself
# lives as long as any other (devices.conf.CHALLENGE_TTL).
CEREMONY_TIMEOUT_MS = 120_000
# A browser's answer, as JSON: ample for the longest credential id (1,023 bytes) twice.
ANSWER_MAX_LENGTH = 8192
# A registration carries the attestation too, whose certificate chain (a TPM's, say) can
# run to several kilobytes.
REGISTRATION_MAX_LENGTH = 32_768
# Malformed input of every shape ends here as a refusal, never a server error; JSON nested
# a few thousand levels deep (well within ANSWER_MAX_LENGTH) makes the decoder recurse out.
_REFUSED = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError, RecursionError)


@dataclass(frozen=True)
class RelyingParty:
    id: str
    name: str
    origins: tuple[str, ...]


def relying_party() -> RelyingParty:
    return RelyingParty(
        id=settings.SLS_WEBAUTHN_RP_ID,
        name=settings.SLS_WEBAUTHN_RP_NAME,
        origins=tuple(settings.SLS_WEBAUTHN_ORIGINS),
    )


def challenge_new() -> str:
    """32 random bytes, base64url: 43 characters, the stored value of a challenge."""
    return bytes_to_base64url(secrets.token_bytes(32))


def user_handle(user_id: int) -> bytes:
    """The user.id a credential carries: stable for the user, meaningless to anyone else
    (no user name or e-mail goes to the authenticator as an id)."""
    return salted_hmac("devices.security_keys.user_handle", str(user_id)).digest()


@dataclass(frozen=True)
class RegisteredCredential:
    """A new credential, as recorded: every attestation is accepted, and kept (F1)."""

    credential_id: str
    public_key: str
    sign_count: int
    aaguid: str
    attestation_format: str
    attestation_object: str


class CeremonyRefused(Exception):
    """The browser's answer did not verify; the message says why, for the audit trail."""


def registration_options(
    *, challenge: str, user_id: int, user_name: str, exclude_credential_ids: list[str]
) -> dict[str, Any]:
    """`PublicKeyCredentialCreationOptions` as JSON: user verification required, direct
    attestation asked for (and accepted whatever it is), the user's own keys excluded so
    one authenticator is not registered twice for the same user."""
    party = relying_party()
    options = generate_registration_options(
        rp_id=party.id,
        rp_name=party.name,
        user_name=user_name,
        user_id=user_handle(user_id),
        user_display_name=user_name,
        challenge=base64url_to_bytes(challenge),
        timeout=CEREMONY_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.DIRECT,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
            for credential_id in exclude_credential_ids
        ],
    )
    return dict(json.loads(options_to_json(options)))


def registration_verify(*, answer: str, challenge: str) -> RegisteredCredential:
    party = relying_party()
    if len(answer) > REGISTRATION_MAX_LENGTH:
        raise CeremonyRefused("answer too long")
    try:
        verified = verify_registration_response(
            credential=answer,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=party.id,
            expected_origin=list(party.origins),
            require_user_verification=True,
        )
    except _REFUSED as refused:
        raise CeremonyRefused(str(refused)[:200]) from refused
    return RegisteredCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        aaguid=str(verified.aaguid),
        attestation_format=str(getattr(verified.fmt, "value", verified.fmt)),
        attestation_object=bytes_to_base64url(verified.attestation_object),
    )


def assertion_options(*, challenge: str, credential_id: str) -> dict[str, Any]:
    """`PublicKeyCredentialRequestOptions` as JSON, for this one credential."""
    options = generate_authentication_options(
        rp_id=relying_party().id,
        challenge=base64url_to_bytes(challenge),
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return dict(json.loads(options_to_json(options)))


def assertion_verify(*, answer: str, challenge: str, credential_id: str, public_key: str) -> int:
    """The assertion's sign count, once its origin, relying party, user verification,
    challenge and signature are checked. The library is given no stored count, so the
    caller decides what a counter that went back means (a cloned key, F1)."""
    party = relying_party()
    if len(answer) > ANSWER_MAX_LENGTH:
        raise CeremonyRefused("answer too long")
    try:
        parsed = json.loads(answer)
        if not isinstance(parsed, dict) or parsed.get("rawId", parsed.get("id")) != credential_id:
            raise CeremonyRefused("another credential answered")
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=party.id,
            expected_origin=list(party.origins),
            credential_public_key=base64url_to_bytes(public_key),
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except _REFUSED as refused:
        raise CeremonyRefused(str(refused)[:200]) from refused
    return int(verified.new_sign_count)


def sign_count_went_back(*, stored: int, new: int) -> bool:
    """WebAuthn §6.1.1: a counter that does not move forward, where either count is not
    zero, means two copies of the credential exist. Keys that keep no counter send 0."""
    return (stored > 0 or new > 0) and new <= stored
