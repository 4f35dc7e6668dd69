"""Security keys in real Chromium (SPEC section 11, F1 F2), answered by the browser's own
virtual authenticator (tests/e2e/virtual_authenticator.py): the ceremonies run in the
browser exactly as with a key in the USB port, and the server's checks see what a real
key sends."""

from __future__ import annotations

import json

import pytest

from devices.security_keys.software import SoftwareAuthenticator
from devices.security_keys.webauthn import (
    assertion_options,
    assertion_verify,
    challenge_new,
    registration_options,
    registration_verify,
)
from tests.e2e.virtual_authenticator import credential_id_b64url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium's own JSON forms of the ceremonies (WebAuthn Level 3): what the options say
# in, what the portal is posted out.
CREATE = """async (options) => {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  const credential = await navigator.credentials.create({publicKey});
  return JSON.stringify(credential.toJSON());
}"""
GET = """async (options) => {
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
  const credential = await navigator.credentials.get({publicKey});
  return JSON.stringify(credential.toJSON());
}"""


def test_F1_virtual_authenticator_registration_verifies(
    page, webauthn_origin, virtual_authenticator
):
    """The fixture's key is one the server accepts: its attestation registers, with user
    verification, and its assertions verify with a sign count that moves forward."""
    page.goto(f"{webauthn_origin}/login/")
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge, user_id=1, user_name="alice", exclude_credential_ids=[]
    )

    registered = registration_verify(answer=page.evaluate(CREATE, options), challenge=challenge)

    on_key = virtual_authenticator.credential()
    assert registered.credential_id == credential_id_b64url(on_key)
    assert on_key["rpId"] == "localhost"
    counts = []
    for _ in range(2):
        challenge = challenge_new()
        answer = page.evaluate(
            GET, assertion_options(challenge=challenge, credential_id=registered.credential_id)
        )
        assert json.loads(answer)["response"]["authenticatorData"]
        counts.append(
            assertion_verify(
                answer=answer,
                challenge=challenge,
                credential_id=registered.credential_id,
                public_key=registered.public_key,
            )
        )
    assert registered.sign_count < counts[0] < counts[1]
    assert counts[1] == virtual_authenticator.credential()["signCount"]


def test_F1_a_software_key_moved_into_chromium_answers_as_registered(
    page, webauthn_origin, virtual_authenticator
):
    """The other tests register their keys on the server with a software authenticator
    and hand its credential to Chromium's: the browser's assertions then verify against
    the stored public key and continue its sign count."""
    software = SoftwareAuthenticator(sign_count=7)
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge, user_id=1, user_name="alice", exclude_credential_ids=[]
    )
    registered = registration_verify(
        answer=json.dumps(software.create(options, origin=webauthn_origin)), challenge=challenge
    )
    virtual_authenticator.credential_import(software)

    page.goto(f"{webauthn_origin}/login/")
    challenge = challenge_new()
    answer = page.evaluate(
        GET, assertion_options(challenge=challenge, credential_id=registered.credential_id)
    )

    assert (
        assertion_verify(
            answer=answer,
            challenge=challenge,
            credential_id=registered.credential_id,
            public_key=registered.public_key,
        )
        == 8
    )
