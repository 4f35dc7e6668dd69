"""A user's security key in tests: a software authenticator registered through the portal's
own WebAuthn ceremony, its credential recorded as the registration pages record one. The
key is returned to answer with, as the person holding it would; browser tests plug it into
Chromium as a virtual authenticator (`virtual_key_install`)."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from accounts.models import User
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.security_keys.software import SoftwareAuthenticator
from devices.security_keys.webauthn import (
    challenge_new,
    registration_options,
    registration_verify,
)
from tests.e2e.virtual_authenticator import VirtualAuthenticator

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page


def origin() -> str:
    """The portal's own origin, which an honest browser signs for."""
    return settings.SLS_WEBAUTHN_ORIGINS[0]


def security_key_give(
    user: User, name: str = "Key", *, key: SoftwareAuthenticator | None = None, at: str = ""
) -> SoftwareAuthenticator:
    """Register `key` (a new one by default) for `user`, signed for the origin `at` (the
    portal's own by default), as an active security key named `name`."""
    key = key or SoftwareAuthenticator()
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge,
        user_id=user.pk,
        user_name=user.username,
        exclude_credential_ids=[],
    )
    answer = key.create(options, origin=at or origin())
    credential = registration_verify(answer=json.dumps(answer), challenge=challenge)
    authenticator = Authenticator.objects.create(
        kind=Kind.SECURITY_KEY,
        serial=f"KEY-{secrets.token_hex(6).upper()}",
        state=Authenticator.State.ACTIVE,
        activated_at=timezone.now(),
        credential_id=credential.credential_id,
        public_key=credential.public_key,
        counter=credential.sign_count,
        aaguid=credential.aaguid,
        attestation_format=credential.attestation_format,
        attestation_object=credential.attestation_object,
    )
    SecurityDevice.objects.create(user=user, authenticator=authenticator, name=name)
    return key


def key_device(user: User) -> SecurityDevice:
    """The user's security key device."""
    return user.securitydevice_set.select_related("authenticator").get(
        authenticator__kind=Kind.SECURITY_KEY
    )


def assertion(
    key: SoftwareAuthenticator, options: dict[str, Any] | None, *, at: str = "", rp_id: str = ""
) -> str:
    """What the browser posts once `key` has answered `options`: the assertion as JSON text,
    signed for the origin `at` and the relying party `rp_id` (the portal's own by default)."""
    assert options is not None, "the page gave no WebAuthn options"
    return json.dumps(key.get(options, origin=at or origin(), rp_id=rp_id))


def page_assertion(page: HttpResponse, key: SoftwareAuthenticator, **where: str) -> str:
    """The key's answer to the challenge a device step `page` shows, read from the options
    the page hands to the browser."""
    return assertion(key, page_options(page), **where)


def page_options(page: HttpResponse) -> dict[str, Any]:
    """The WebAuthn request options a page hands to its script, parsed from its HTML."""
    html = page.content.decode()
    start = html.index('<script id="webauthn-request-options" type="application/json">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def virtual_key_install(
    page: Page, key: SoftwareAuthenticator, *, with_credential: bool = True
) -> CDPSession:
    """Plug `key` into Chromium as a virtual authenticator (DevTools' WebAuthn domain): a
    USB key that verifies its user and is touched at once; its credential is `key`'s own
    (private key, id, count) unless `with_credential` is False: a key never registered."""
    authenticator = VirtualAuthenticator.attach(page)
    if with_credential:
        authenticator.credential_import(key)
    return authenticator.cdp
