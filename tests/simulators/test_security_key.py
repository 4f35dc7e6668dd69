"""The security key simulator answers the portal's WebAuthn options as a browser with a key
plugged in would: its registrations verify, its assertions pass the gate, and what it is
told to get wrong (origin, user verification, an old counter) is refused there (F1)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, User
from devices.assurance import Action
from devices.flows.device_step import Answer, Refusal, StepOutcome, step_answer, step_challenge
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.security_keys.webauthn import (
    CeremonyRefused,
    RegisteredCredential,
    challenge_new,
    registration_options,
    registration_verify,
)
from simulators.models import SimulatedSecurityKey
from simulators.security_keys import OPTIONS_MAX_LENGTH, security_key_sign_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("simulators:security_key")
REGISTER = reverse("simulators:security_key_register")
SIGN = reverse("simulators:security_key_sign")


def key_create(client: Client, label: str = "Test key") -> SimulatedSecurityKey:
    response = client.post(PAGE, {"label": label})
    assert response.status_code == 302
    return SimulatedSecurityKey.objects.get(serial=response.url.split("key=")[1])


def register_post(client: Client, simulated: SimulatedSecurityKey, options: object, **fields: str):
    data = {"register-key": simulated.serial, "register-options": _text(options)}
    data.update({f"register-{name}": value for name, value in fields.items()})
    if "user_verified" not in fields:
        data["register-user_verified"] = "on"
    return client.post(REGISTER, data)


def sign_post(client: Client, simulated: SimulatedSecurityKey, options: object, **fields: str):
    data = {"sign-key": simulated.serial, "sign-options": _text(options)}
    data.update({f"sign-{name}": value for name, value in fields.items()})
    if "user_verified" not in fields:
        data["sign-user_verified"] = "on"
    return client.post(SIGN, data)


def _text(options: object) -> str:
    return options if isinstance(options, str) else json.dumps(options)


def registration(client: Client, key: SimulatedSecurityKey, user: User) -> RegisteredCredential:
    """The portal's creation options for `user`, answered on the page and verified."""
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge, user_id=user.pk, user_name=user.username, exclude_credential_ids=[]
    )
    page = register_post(client, key, options)
    assert page.status_code == 200 and page.context["output"], page.context["register_form"].errors
    return registration_verify(answer=page.context["output"], challenge=challenge)


def key_device(client: Client, key: SimulatedSecurityKey, user: User) -> SecurityDevice:
    """`user`'s security key, registered from the simulated key, as the portal records one."""
    credential = registration(client, key, user)
    authenticator = Authenticator.objects.create(
        kind=Kind.SECURITY_KEY,
        serial=f"KEY-{key.serial}",
        state=Authenticator.State.ACTIVE,
        activated_at=timezone.now(),
        credential_id=credential.credential_id,
        public_key=credential.public_key,
        counter=credential.sign_count,
        aaguid=credential.aaguid,
        attestation_format=credential.attestation_format,
        attestation_object=credential.attestation_object,
    )
    return SecurityDevice.objects.create(user=user, authenticator=authenticator, name="Key")


def gate(device: SecurityDevice, answer_for) -> StepOutcome:
    """A portal login's challenge for `device`, answered with `answer_for(options)`."""
    challenge = step_challenge(action=Action.LOGIN_PORTAL, device=device, attempt="attempt-1")
    response = answer_for(challenge.client_options)
    return step_answer(
        user=device.user,
        action=Action.LOGIN_PORTAL,
        answer=Answer(device_id=device.pk, challenge_id=challenge.pk, response=response),
        attempt="attempt-1",
        client=SYSTEM,
    )


def signed_on_page(client: Client, key: SimulatedSecurityKey, **fields: str):
    def answer_for(options: dict) -> str:
        page = sign_post(client, key, options, **fields)
        assert page.status_code == 200
        return page.context["output"]

    return answer_for


@pytest.fixture
def key(client) -> SimulatedSecurityKey:
    return key_create(client)


@pytest.fixture
def device(client, key) -> SecurityDevice:
    return key_device(client, key, UserFactory(device=False))


def test_the_page_creates_a_key_with_an_unused_credential(client):
    key = key_create(client, "Blue key")

    page = client.get(PAGE, {"key": key.serial})

    assert page.status_code == 200
    assert (key.label, security_key_sign_count(key)) == ("Blue key", 0)
    assert key.authenticator and key.credential_id not in key.authenticator
    assert page.context["sign_form"]["key"].value() == key.serial
    assert key.serial.encode() in page.content


def test_the_simulators_index_links_to_the_security_key_page(client):
    assert PAGE.encode() in client.get(reverse("simulators:index")).content


def test_F1_registration_from_the_page_verifies_with_user_verification(client, key):
    user = UserFactory(device=False)

    credential = registration(client, key, user)

    assert credential.credential_id == key.credential_id
    assert (credential.sign_count, credential.attestation_format) == (0, "none")
    key.refresh_from_db()
    assert key.registered_for == user.username


def test_F1_registration_without_user_verification_is_refused(client, key):
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge, user_id=1, user_name="someone", exclude_credential_ids=[]
    )

    page = register_post(client, key, options, user_verified="")

    with pytest.raises(CeremonyRefused):
        registration_verify(answer=page.context["output"], challenge=challenge)


def test_F1_a_key_the_site_excludes_does_not_register_again(client, key):
    options = registration_options(
        challenge=challenge_new(),
        user_id=1,
        user_name="someone",
        exclude_credential_ids=[key.credential_id],
    )

    page = register_post(client, key, options)

    assert page.context["output"] == ""
    assert "already registered" in str(page.context["register_form"].non_field_errors())


def test_F1_the_assertion_from_the_page_passes_the_gate_and_moves_the_counter(client, key, device):
    first = gate(device, signed_on_page(client, key))
    second = gate(device, signed_on_page(client, key))

    assert first.accepted and second.accepted
    device.authenticator.refresh_from_db()
    assert device.authenticator.counter == 2
    key.refresh_from_db()
    assert security_key_sign_count(key) == 2


def test_F1_an_old_counter_is_refused_by_the_gate_and_flags_the_key(client, key, device):
    assert gate(device, signed_on_page(client, key)).accepted

    cloned = gate(device, signed_on_page(client, key, cloned="on"))

    assert cloned.refusal == Refusal.WRONG_ANSWER
    authenticator = Authenticator.objects.get(pk=device.authenticator_id)
    assert authenticator.clone_suspected_at is not None
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.DEVICE_CLONE_SUSPECTED, subject=device.user
    ).exists()
    # The key itself never moved back: its own next answer is refused for the flag alone.
    key.refresh_from_db()
    assert security_key_sign_count(key) == 1
    assert gate(device, signed_on_page(client, key)).refusal == Refusal.NOT_ALLOWED


def test_an_old_counter_needs_a_key_that_was_used(client, key, device):
    challenge = step_challenge(action=Action.LOGIN_PORTAL, device=device, attempt="attempt-1")

    page = sign_post(client, key, challenge.client_options, cloned="on")

    assert page.context["output"] == ""
    assert "not been used yet" in str(page.context["sign_form"].non_field_errors())


@pytest.mark.parametrize(
    "fields",
    [
        {"origin": "https://portal.example.net"},
        {"origin": "http://localhost:8001"},
        {"user_verified": ""},
    ],
)
def test_F1_a_wrong_origin_or_no_user_verification_is_refused_by_the_gate(
    client, key, device, fields
):
    outcome = gate(device, signed_on_page(client, key, **fields))

    assert outcome.refusal == Refusal.WRONG_ANSWER
    assert Authenticator.objects.get(pk=device.authenticator_id).clone_suspected_at is None


def test_a_key_answers_only_for_the_credentials_the_options_allow(client, device):
    other = key_create(client, "Other key")
    challenge = step_challenge(action=Action.LOGIN_PORTAL, device=device, attempt="attempt-1")

    page = sign_post(client, other, challenge.client_options)

    assert page.context["output"] == ""
    assert "none of the credentials" in str(page.context["sign_form"].non_field_errors())


REQUEST = {"challenge": "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c", "rpId": "localhost"}


@pytest.mark.parametrize(
    "options",
    [
        "not json",
        "",
        "[]",
        "null",
        "[" * 5000,
        '{"challenge": 5}',
        '{"challenge": "é"}',
        '{"challenge": "a"}',
        {**REQUEST, "rpId": 7},
        {**REQUEST, "allowCredentials": "all"},
        {**REQUEST, "allowCredentials": [{"type": "public-key"}]},
        {"publicKey": {"challenge": None}},
        {**REQUEST, "padding": "x" * OPTIONS_MAX_LENGTH},
        "\U0001f600" * 100,
    ],
)
def test_bad_request_options_get_a_form_error_and_change_nothing(client, key, options):
    page = sign_post(client, key, options)

    assert page.status_code == 200
    assert page.context["output"] == ""
    assert page.context["sign_form"].errors
    key.refresh_from_db()
    assert security_key_sign_count(key) == 0


@pytest.mark.parametrize(
    "options",
    [
        {"challenge": REQUEST["challenge"], "user": {"name": "x"}},
        {"challenge": REQUEST["challenge"], "rp": "localhost", "user": {}},
        {"challenge": REQUEST["challenge"], "rp": {"id": "localhost"}},
        {
            "challenge": REQUEST["challenge"],
            "rp": {"id": "localhost"},
            "user": {},
            "pubKeyCredParams": [{"type": "public-key", "alg": -257}],
        },
        {"challenge": REQUEST["challenge"], "rp": {}, "user": {}, "excludeCredentials": [1]},
    ],
)
def test_bad_creation_options_get_a_form_error(client, key, options):
    page = register_post(client, key, options)

    assert page.status_code == 200
    assert page.context["output"] == ""
    assert page.context["register_form"].non_field_errors()


@pytest.mark.parametrize(
    "fields",
    [
        {"origin": "javascript:alert(1)"},
        {"origin": "http://localhost:8000/login/"},
        {"origin": "x" * 500},
        {"key": "SIMKEY-NOPE"},
        {"key": "9" * 5000},
    ],
)
def test_bad_fields_get_a_form_error(client, key, fields):
    page = sign_post(client, key, REQUEST, **fields)

    assert page.status_code == 200
    assert page.context["output"] == ""
    assert set(page.context["sign_form"].errors) & {"origin", "key"}


def test_a_key_label_too_long_is_a_form_error(client):
    page = client.post(PAGE, {"label": "k" * 61})

    assert page.status_code == 200
    assert page.context["create_form"].errors["label"]
    assert not SimulatedSecurityKey.objects.exists()


def test_the_forms_need_their_csrf_token(key):
    browser = Client(enforce_csrf_checks=True)

    assert browser.post(PAGE, {"label": "x"}).status_code == 403
    assert browser.post(SIGN, {"sign-key": key.serial, "sign-options": "{}"}).status_code == 403
    assert b"csrfmiddlewaretoken" in browser.get(PAGE).content


@override_settings(SLS_SIMULATORS=False)
@pytest.mark.parametrize("url", [PAGE, REGISTER, SIGN])
def test_the_security_key_simulator_does_not_exist_when_switched_off(client, url):
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("by", ["simulated key", "security key"])
def test_F1_device_respond_prints_an_assertion_the_gate_accepts(key, device, by):
    serial = key.serial if by == "simulated key" else device.authenticator.serial

    def answer_for(options: dict) -> str:
        out = StringIO()
        call_command("device_respond", serial, "--options", json.dumps(options), stdout=out)
        return out.getvalue().strip()

    assert gate(device, answer_for).accepted
    key.refresh_from_db()
    assert security_key_sign_count(key) == 1


def test_device_respond_reads_the_options_from_stdin(key, device, monkeypatch):
    def answer_for(options: dict) -> str:
        monkeypatch.setattr("sys.stdin", StringIO(json.dumps(options)))
        out = StringIO()
        call_command("device_respond", device.authenticator.serial, stdout=out)
        return out.getvalue().strip()

    assert gate(device, answer_for).accepted
    assert gate(device, answer_for).accepted
    key.refresh_from_db()
    assert security_key_sign_count(key) == 2


@pytest.mark.parametrize(
    "options", ["not json", "{}", '{"challenge": "abc", "allowCredentials": 1}']
)
def test_device_respond_with_bad_options_fails_cleanly(key, options):
    with pytest.raises(CommandError):
        call_command("device_respond", key.serial, "--options", options)
    key.refresh_from_db()
    assert security_key_sign_count(key) == 0
