"""`seed_demo` gives a user a security key registered through the WebAuthn ceremony with a
key the simulator holds, and a user an authenticator app whose otpauth URI it prints; both
log in with what the simulators answer, and a second run changes nothing."""

from __future__ import annotations

from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AuditEvent, AuditEventType
from devices.demo import demo_otpauth_uri
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.signals import demo_security_key_registered
from simulators.cards import card_press
from simulators.models import SimulatedSecurityKey
from simulators.security_keys import security_key_sign_count
from tests.factories import UserFactory
from tests.login_helpers import full_login, is_logged_in, post_login

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def demo_device(username: str, kind: str) -> SecurityDevice:
    return SecurityDevice.objects.select_related("authenticator").get(
        user__username=username, authenticator__kind=kind
    )


def device_answer(client, username: str, answer_for) -> bool:
    """The demo user's login through the portal's pages, the device step answered with
    `answer_for(challenge)`; True when it ends logged in."""
    page = post_login(client, username, f"{username}-demo-pass")
    challenge = page.context["challenge"]
    client.post(
        reverse("devices:login_device"),
        {
            "device": page.context["device"].pk,
            "challenge": challenge.pk,
            "response": answer_for(challenge),
        },
    )
    return is_logged_in(client)


def test_F1_seed_demo_registers_a_security_key_held_by_the_simulator():
    output = seed()

    device = demo_device("ivy", Kind.SECURITY_KEY)
    authenticator = device.authenticator
    assert authenticator.state == Authenticator.State.ACTIVE
    assert (authenticator.attestation_format, authenticator.counter) == ("none", 0)
    key = SimulatedSecurityKey.objects.get(credential_id=authenticator.credential_id)
    assert (key.registered_for, security_key_sign_count(key)) == ("ivy", 0)
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.DEVICE_REGISTERED, subject=device.user
    ).exists()
    assert f"then {authenticator.serial}: security key" in output
    assert "http://localhost:8000" in output and "/simulators/security-key/" in output
    assert "WebAuthn panel" in output


def test_F1_the_demo_key_user_logs_in_with_the_simulated_key(client):
    seed()

    full_login(client, "ivy", "ivy-demo-pass")

    assert is_logged_in(client)
    assert demo_device("ivy", Kind.SECURITY_KEY).authenticator.counter == 1


def test_F3_seed_demo_prints_the_demo_app_s_otpauth_uri_and_its_codes_log_in(client):
    output = seed()

    authenticator = demo_device("jack", Kind.AUTHENTICATOR_APP).authenticator
    uri = demo_otpauth_uri(authenticator, username="jack")
    assert f"then {authenticator.serial}: authenticator app" in output
    assert uri in output
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    assert device_answer(client, "jack", lambda challenge: pyotp.TOTP(secret).now())
    assert pyotp.TOTP(secret).verify(card_press(serial=authenticator.serial), valid_window=1)


def test_seed_demo_twice_keeps_one_key_and_one_app_with_their_secrets():
    seed()
    key = demo_device("ivy", Kind.SECURITY_KEY).authenticator
    app = demo_device("jack", Kind.AUTHENTICATOR_APP).authenticator

    output = seed()

    assert SecurityDevice.objects.filter(user__username="ivy").get().authenticator == key
    assert SecurityDevice.objects.filter(user__username="jack").get().authenticator == app
    assert Authenticator.objects.get(pk=app.pk).secret == app.secret
    assert SimulatedSecurityKey.objects.get().credential_id == key.credential_id
    assert demo_otpauth_uri(app, username="jack") in output


def test_without_the_simulator_the_demo_key_is_registered_all_the_same(monkeypatch):
    monkeypatch.setattr(demo_security_key_registered, "receivers", [])

    device = UserFactory(device=Kind.SECURITY_KEY).securitydevice_set.get()

    assert device.authenticator.public_key and device.authenticator.credential_id
    assert not SimulatedSecurityKey.objects.exists()
