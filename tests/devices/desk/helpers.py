"""Security keys and authenticator apps made as their registration makes them, and their
holders' answers: a software FIDO2 authenticator for a key, the RFC 6238 code for an app."""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Callable

import pyotp
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import User
from devices.assurance import Action
from devices.crypto import secret_encrypt
from devices.flows.device_step import Answer, StepOutcome, step_answer, step_challenge
from devices.kinds import Kind
from devices.models import Authenticator, Challenge, SecurityDevice
from devices.security_keys.software import SoftwareAuthenticator
from tests.devices.security_keys.helpers import security_key_give as key_register
from tests.login_helpers import device_page, post_login

# The test settings' relying party: SLS_WEBAUTHN_RP_ID "localhost" and this origin.
ORIGIN = "http://localhost:8000"
SELF_REGISTERED_LIST = "admin:devices_selfregistereddevice_changelist"


def security_key_give(
    user: User, name: str = "Blue key", software: SoftwareAuthenticator | None = None
) -> tuple[SecurityDevice, SoftwareAuthenticator]:
    """A key registered through a real WebAuthn ceremony, answered by a software key."""
    software = key_register(user, name, key=software)
    device = SecurityDevice.objects.select_related("authenticator").get(
        user=user, authenticator__credential_id=software.credential_id_b64
    )
    return device, software


def authenticator_app_give(user: User, name: str = "Work phone") -> tuple[SecurityDevice, bytes]:
    """An app confirmed with its first code: the secret is what the QR code carried."""
    secret = secrets.token_bytes(20)
    authenticator = Authenticator.objects.create(
        kind=Kind.AUTHENTICATOR_APP,
        serial=f"APP-{secrets.token_hex(5).upper()}",
        state=Authenticator.State.ACTIVE,
        activated_at=timezone.now(),
        secret=secret_encrypt(secret),
    )
    device = SecurityDevice.objects.create(
        user=user, authenticator=authenticator, name=name, confirmed=True
    )
    return device, secret


def key_answer(software: SoftwareAuthenticator, challenge: Challenge) -> str:
    """What the browser posts once the key signed `challenge`'s request options."""
    options = challenge.client_options
    assert options is not None
    return json.dumps(software.get(options, origin=ORIGIN))


def app_code(secret: bytes) -> str:
    """The six digits the app shows now."""
    return pyotp.TOTP(base64.b32encode(secret).decode()).now()


def login_with_key(
    client: Client,
    user: User,
    password: str,
    device: SecurityDevice,
    software: SoftwareAuthenticator,
) -> HttpResponse:
    """Both login steps, the second answered by the key as the browser would."""
    post_login(client, user.username, password)
    challenge = device_page(client, device).context["challenge"]
    return client.post(
        reverse("devices:login_device"),
        {
            "device": device.pk,
            "challenge": challenge.pk,
            "response": key_answer(software, challenge),
        },
    )


def list_rows(client: Client, url: str, **query: str) -> dict[str, str]:
    """Each row of an admin list's results as its cells' text joined by " | ", by its
    first cell (the header row is under "Name")."""
    html = client.get(url, query).content.decode()
    table = re.search(r'<table id="result_list">(.*?)</table>', html, flags=re.S)
    found: dict[str, str] = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1) if table else "", flags=re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        cells = [cell for cell in cells if cell]
        if cells:
            found[cells[0]] = " | ".join(cells)
    return found


def gate_answer(
    user: User,
    device: SecurityDevice,
    respond: Callable[[Challenge], str],
    action: Action = Action.LOGIN_PORTAL,
    attempt: str = "desk",
) -> StepOutcome:
    """One challenge of `device` for `action` (a portal login unless told), answered with
    `respond(challenge)`, through the gate: the StepOutcome."""
    challenge = step_challenge(action=action, device=device, attempt=attempt)
    return step_answer(
        user=user,
        action=action,
        answer=Answer(device_id=device.pk, challenge_id=challenge.pk, response=respond(challenge)),
        attempt=attempt,
        client=SYSTEM,
    )


def key_flag_cloned(user: User, device: SecurityDevice, software: SoftwareAuthenticator) -> None:
    """Use the key once, then answer with a copy of its credential that has not seen that
    use: the sign count goes back, the answer is refused and the key flagged (F1)."""
    assert gate_answer(user, device, lambda c: key_answer(software, c)).accepted
    copy = SoftwareAuthenticator.from_json(software.to_json())
    copy.sign_count = 0
    assert not gate_answer(user, device, lambda c: key_answer(copy, c)).accepted
    device.authenticator.refresh_from_db()
    assert device.authenticator.clone_suspected_at is not None
