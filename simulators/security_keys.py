"""A security key plugged into the simulator: what a browser and a FIDO2 key would answer
to the options a page hands `navigator.credentials.create()` or `.get()`, pasted in by a
person or a script. The key is the software authenticator of
devices.security_keys.software, kept encrypted in `SimulatedSecurityKey`; it reads only
the options it is given, never the login or registration in progress.

Like a real key it refuses what it cannot do (an algorithm it lacks, a credential it does
not hold, a registration the site excluded); unlike one it lets a tester choose the
origin, skip user verification or show an old counter, so that the portal's refusals of
those (F1) can be tried from a browser."""

from __future__ import annotations

import binascii
import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from fido2.utils import websafe_decode

from devices.crypto import SecretUnreadable, secret_decrypt, secret_encrypt
from devices.models import Authenticator
from devices.security_keys.software import SoftwareAuthenticator
from simulators.models import SimulatedSecurityKey

# Options as JSON: room for a user's many excluded credentials, not for a flood.
OPTIONS_MAX_LENGTH = 32_768
# COSE ES256, the one algorithm the software key makes keys for.
ES256 = -7


class SecurityKeyError(Exception):
    """The key (or the browser in front of it) gives no answer; the message says why."""


def default_origin() -> str:
    """The portal's own origin, which a browser would send for its pages."""
    return str(settings.SLS_WEBAUTHN_ORIGINS[0])


def security_key_create(*, label: str) -> SimulatedSecurityKey:
    """A new key holding one fresh credential, unused (sign count 0)."""
    return _keep(SoftwareAuthenticator(), label=label, registered_for="")


def security_key_keep(
    *, key: SoftwareAuthenticator, label: str, registered_for: str
) -> SimulatedSecurityKey:
    """A key made elsewhere (the demo data's) put on the simulator's desk."""
    return _keep(key, label=label, registered_for=registered_for)


def _keep(key: SoftwareAuthenticator, *, label: str, registered_for: str) -> SimulatedSecurityKey:
    return SimulatedSecurityKey.objects.create(
        serial=f"SIMKEY-{secrets.token_hex(4).upper()}",
        label=label or "Simulated security key",
        credential_id=key.credential_id_b64,
        authenticator=secret_encrypt(key.to_json().encode()),
        registered_for=registered_for[:150],
    )


def security_key_find(serial: str) -> SimulatedSecurityKey:
    """The key by its own serial (SIMKEY-…), or the one holding the credential of the
    portal's security key with that serial."""
    key = SimulatedSecurityKey.objects.filter(serial=serial).first()
    if key is None:
        credential_id = (
            Authenticator.objects.filter(serial=serial)
            .exclude(credential_id="")
            .values_list("credential_id", flat=True)
            .first()
        )
        key = SimulatedSecurityKey.objects.filter(credential_id=credential_id or "-").first()
    if key is None:
        raise SecurityKeyError("No simulated security key with that serial.")
    return key


def security_key_sign_count(key: SimulatedSecurityKey) -> int | None:
    """The key's counter as it stands, or None when no configured key opens its row."""
    try:
        return _software(key).sign_count
    except SecurityKeyError:
        return None


@transaction.atomic
def security_key_register(
    *, serial: str, options: str, origin: str, user_verified: bool = True
) -> dict[str, Any]:
    """The registration JSON a browser posts (`PublicKeyCredential.toJSON()`) for these
    creation options. A key holds one credential: registered again, it shows the same one,
    and it refuses where the site lists it among the credentials to exclude."""
    key = _locked(serial)
    parsed = _parse(options)
    rp = parsed.get("rp")
    if not isinstance(rp, dict):
        raise SecurityKeyError('The options have no "rp" object: are these creation options?')
    user = parsed.get("user")
    if not isinstance(user, dict):
        raise SecurityKeyError('The options have no "user" object: are these creation options?')
    algorithms = _list(parsed, "pubKeyCredParams")
    if algorithms and not any(isinstance(p, dict) and p.get("alg") == ES256 for p in algorithms):
        raise SecurityKeyError(
            "The key makes ES256 (-7) keys only, which the options do not allow."
        )
    if key.credential_id in _credential_ids(parsed, "excludeCredentials"):
        raise SecurityKeyError(
            "The site excludes this key's credential: it is already registered for this user."
        )
    software = _software(key)
    software.user_verified = user_verified
    rp_id = _rp_id(rp.get("id"), origin)
    answer = software.create({"rp": {"id": rp_id}, "challenge": _challenge(parsed)}, origin=origin)
    name = user.get("name")
    key.registered_for = name[:150] if isinstance(name, str) else ""
    key.save(update_fields=["registered_for"])
    return answer


@transaction.atomic
def security_key_sign(
    *, serial: str, options: str, origin: str, user_verified: bool = True, cloned: bool = False
) -> dict[str, Any]:
    """The assertion JSON a browser posts for these request options; the key counts one
    more use. `cloned` answers instead from a copy of the key made when it was new: its
    count starts again at 1, lower than what the key has shown, and the key's own count
    does not move (F1's clone detection)."""
    key = _locked(serial)
    parsed = _parse(options)
    allowed = _credential_ids(parsed, "allowCredentials")
    if allowed and key.credential_id not in allowed:
        raise SecurityKeyError("The key holds none of the credentials these options ask for.")
    software = _software(key)
    software.user_verified = user_verified
    rp_id = _rp_id(parsed.get("rpId"), origin)
    request = {"challenge": _challenge(parsed)}
    if cloned:
        if software.sign_count == 0:
            raise SecurityKeyError(
                "The key has not been used yet: a copy would show the same count, 0. "
                "Sign once without the copy first."
            )
        copy = SoftwareAuthenticator.from_json(software.to_json())
        copy.sign_count, copy.user_verified = 0, user_verified
        return copy.get(request, origin=origin, rp_id=rp_id)
    answer = software.get(request, origin=origin, rp_id=rp_id)
    key.authenticator = secret_encrypt(software.to_json().encode())
    key.save(update_fields=["authenticator"])
    return answer


def _locked(serial: str) -> SimulatedSecurityKey:
    """The key's row, locked: two answers at once still count two uses."""
    key = security_key_find(serial)
    return SimulatedSecurityKey.objects.select_for_update().get(pk=key.pk)


def _software(key: SimulatedSecurityKey) -> SoftwareAuthenticator:
    try:
        return SoftwareAuthenticator.from_json(secret_decrypt(key.authenticator).decode())
    except SecretUnreadable as exc:
        raise SecurityKeyError(
            "No configured key opens this simulated key (DEVICE_SECRET_KEYS changed)."
        ) from exc


def _parse(options: str) -> dict[str, Any]:
    """The options as pasted: the object itself, or wrapped as `{"publicKey": {...}}` as
    `navigator.credentials` takes it."""
    if len(options) > OPTIONS_MAX_LENGTH:
        raise SecurityKeyError(f"The options are longer than {OPTIONS_MAX_LENGTH} characters.")
    try:
        parsed = json.loads(options)
    except (ValueError, RecursionError) as exc:
        raise SecurityKeyError(
            "The options are not JSON: paste them as the page shows them."
        ) from exc
    if isinstance(parsed, dict) and isinstance(parsed.get("publicKey"), dict):
        parsed = parsed["publicKey"]
    if not isinstance(parsed, dict):
        raise SecurityKeyError("The options must be a JSON object.")
    return parsed


def _challenge(options: dict[str, Any]) -> str:
    challenge = options.get("challenge")
    if not isinstance(challenge, str) or not challenge:
        raise SecurityKeyError('The options have no "challenge" string.')
    try:
        websafe_decode(challenge)
    except (ValueError, binascii.Error) as exc:
        raise SecurityKeyError("The challenge is not base64url.") from exc
    return challenge


def _list(options: dict[str, Any], name: str) -> list[Any]:
    value = options.get(name, [])
    if not isinstance(value, list):
        raise SecurityKeyError(f'"{name}" must be a list.')
    return value


def _credential_ids(options: dict[str, Any], name: str) -> set[str]:
    """The ids of a credential list (`allowCredentials`, `excludeCredentials`)."""
    ids: set[str] = set()
    for entry in _list(options, name):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise SecurityKeyError(f'Each entry of "{name}" must be an object with an "id".')
        ids.add(entry["id"])
    return ids


def _rp_id(rp_id: object, origin: str) -> str:
    """The relying party the options name; where they name none, the browser takes the
    origin's host."""
    if rp_id is None or rp_id == "":
        return urlsplit(origin).hostname or ""
    if not isinstance(rp_id, str):
        raise SecurityKeyError("The relying-party id must be a string.")
    return rp_id
