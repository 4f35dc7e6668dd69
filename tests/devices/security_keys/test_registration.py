"""Registering a security key or passkey from the Secure Login System page (F1, F2, G2):
a name and a fresh answer from a permanent device, then the browser's registration
ceremony, played here by the software authenticator as browser and key. Origin,
relying-party id and user verification are checked; a pending registration is answered
once and expires; a credential is registered once; every refusal is clear, creates
nothing and is audited."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, AuditOutcome, LoginFailure, Notice
from devices import conf
from devices.assurance import Action
from devices.flows.device_step import Answer, step_answer, step_challenge, step_devices
from devices.gateways.locmem import sent
from devices.models import Authenticator, SecurityDevice
from devices.security_keys.forms import CREDENTIAL_MISSING, CREDENTIAL_TOO_LONG
from devices.security_keys.services import (
    ALREADY_REGISTERED,
    NAME_REQUIRED,
    NOT_VERIFIED,
    security_key_creation_options,
    security_key_register,
    security_key_registration_begin,
)
from devices.security_keys.software import SoftwareAuthenticator
from devices.security_keys.views import START_AGAIN
from devices.security_keys.webauthn import REGISTRATION_MAX_LENGTH, challenge_new
from devices.services.device_names import NAME_CHARACTERS, NAME_TOO_LONG
from simulators.security_keys import security_key_create
from simulators.security_keys import security_key_register as security_key_register_simulated
from tests.accounts.sls_helpers import fresh_factor_fields, logged_in
from tests.bad_input import assert_refused_page
from tests.devices.temporary.helpers import login_with, passcode_give
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.form_fuzz import bodies, own_throttles, post_fuzzed
from tests.login_helpers import post_login

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost:8000"
ADD = reverse("security_keys:add")
REGISTER = reverse("security_keys:register")
SLS = reverse("accounts:secure_login")
_OPTIONS_SCRIPT = re.compile(
    r'<script id="webauthn-creation-options" type="application/json">(.*?)</script>', re.S
)


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def portal(alice) -> Client:
    return logged_in(alice)


def name_posted(client: Client, name: str = "Keyring key", **answer: object):
    """Step 1: the name, with the fresh answer of the device the page shows."""
    page = client.get(ADD)
    fields = {**fresh_factor_fields(page), **answer}
    return client.post(ADD, {"name": name, **fields})


def registration_begun(client: Client, name: str = "Keyring key") -> Client:
    assert name_posted(client, name)["Location"] == REGISTER
    return client


def creation_options(client: Client) -> dict:
    """The options the register page gives its script, read as the script reads them."""
    page = client.get(REGISTER)
    assert page.status_code == 200
    return json.loads(_OPTIONS_SCRIPT.search(page.content.decode()).group(1))


def credential_posted(client: Client, key: SoftwareAuthenticator, *, origin=ORIGIN, tamper=None):
    """Step 2: the browser asks `key` for a credential and posts its answer."""
    options = creation_options(client)
    if tamper is not None:
        tamper(options)
    answer = key.create(options, origin=origin)
    return client.post(REGISTER, {"credential": json.dumps(answer)})


def key_registered(client: Client, key: SoftwareAuthenticator, name: str = "Keyring key"):
    return credential_posted(registration_begun(client, name), key)


def keys_of(user) -> list[SecurityDevice]:
    return list(
        SecurityDevice.objects.filter(user=user, authenticator__kind="security_key")
        .select_related("authenticator")
        .order_by("pk")
    )


def no_key_anywhere() -> bool:
    return not Authenticator.objects.filter(kind="security_key").exists()


def error_shown(client: Client, response) -> str:
    """The refusal the user reads on the page the refusal leads to."""
    assert response.status_code == 302 and response["Location"] == ADD
    page = client.get(ADD)
    return html.unescape(page.content.decode())


def failures(reason: str = "") -> list[AuditEvent]:
    events = AuditEvent.objects.filter(
        event_type=AuditEventType.DEVICE_REGISTERED, outcome=AuditOutcome.FAILURE
    )
    return [event for event in events if reason in event.detail["reason"]]


def test_F1_G2_a_key_is_registered_end_to_end_after_a_fresh_answer(
    portal, alice, mailoutbox, django_capture_on_commit_callbacks
):
    sls = portal.get(SLS).content.decode()
    assert f'<a href="{ADD}" id="add-security-key">Add a security key or passkey</a>' in sls
    assert 'id="security-key-invitation"' in sls
    key = SoftwareAuthenticator()

    step_one = name_posted(portal, "Keyring key")
    assert step_one.status_code == 302 and step_one["Location"] == REGISTER
    page = portal.get(REGISTER).content.decode()
    for element in (
        '<button type="button" id="register-key" class="primary">Register security key</button>',
        'id="webauthn-creation-options"',
        '<input type="hidden" name="credential" id="id_credential">',
        'id="webauthn-unavailable"',
        "js/webauthn-register.js",
        "http://localhost:8000",
    ):
        assert element in page
    options = creation_options(portal)
    assert options["rp"] == {"name": "SLS Portal", "id": "localhost"}
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "direct"
    assert options["user"]["name"] == "alice"
    assert options["excludeCredentials"] == []
    with django_capture_on_commit_callbacks(execute=True):
        response = credential_posted(portal, key)

    assert response.status_code == 302 and response["Location"] == SLS
    [device] = keys_of(alice)
    authenticator = device.authenticator
    assert (device.name, device.confirmed) == ("Keyring key", True)
    assert authenticator.state == Authenticator.State.ACTIVE
    assert authenticator.activated_at is not None
    assert re.fullmatch(r"KEY-[0-9A-F]{12}", authenticator.serial)
    assert authenticator.credential_id == key.credential_id_b64
    assert authenticator.public_key and authenticator.attestation_object
    assert (authenticator.counter, authenticator.attestation_format, authenticator.aaguid) == (
        0,
        "none",
        "00000000-0000-0000-0000-000000000000",
    )
    event = AuditEvent.objects.get(
        event_type=AuditEventType.DEVICE_REGISTERED, outcome=AuditOutcome.SUCCESS
    )
    assert (event.subject, event.actor) == (alice, alice)
    assert event.detail == {
        "kind": "security_key",
        "serial": authenticator.serial,
        "name": "Keyring key",
        "attestation_format": "none",
        "aaguid": "00000000-0000-0000-0000-000000000000",
    }
    notice = Notice.objects.get(user=alice)
    assert notice.subject == "Security key or passkey added to your user"
    assert '"Keyring key"' in notice.body and "alice" in notice.body
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert "Keyring key" in mail.body and "Client Services" in mail.body
    sls = html.unescape(portal.get(SLS).content.decode())
    assert 'Security key "Keyring key" added' in sls
    assert "<td>Keyring key</td>" in sls and "Not used yet" in sls
    assert 'id="security-key-invitation"' not in sls


def test_F1_the_registered_key_answers_the_gate_and_its_last_use_is_listed(portal, alice):
    key = SoftwareAuthenticator()
    key_registered(portal, key)
    [device] = keys_of(alice)
    challenge = step_challenge(action=Action.LOGIN_PORTAL, device=device, attempt="a")

    outcome = step_answer(
        user=alice,
        action=Action.LOGIN_PORTAL,
        answer=Answer(
            device_id=device.pk,
            challenge_id=challenge.pk,
            response=json.dumps(key.get(challenge.client_options, origin=ORIGIN)),
        ),
        attempt="a",
        client=SYSTEM,
    )

    assert outcome.accepted
    device.authenticator.refresh_from_db()
    assert device.authenticator.last_used_at is not None
    sls = portal.get(SLS).content.decode()
    assert "Not used yet" not in sls
    assert f"{device.authenticator.last_used_at:%H:%M} UTC" in sls


def test_F1_a_wrong_origin_is_refused(portal, alice):
    response = credential_posted(
        registration_begun(portal), SoftwareAuthenticator(), origin="http://127.0.0.1:8000"
    )

    assert NOT_VERIFIED in error_shown(portal, response)
    assert no_key_anywhere()
    assert failures("origin")


def test_F1_a_wrong_relying_party_id_is_refused(portal, alice):
    def evil_rp(options):
        options["rp"]["id"] = "evil.example"

    response = credential_posted(
        registration_begun(portal), SoftwareAuthenticator(), tamper=evil_rp
    )

    assert NOT_VERIFIED in error_shown(portal, response)
    assert no_key_anywhere()
    assert failures("RP ID")


def test_F1_user_verification_is_required(portal, alice):
    response = credential_posted(
        registration_begun(portal), SoftwareAuthenticator(user_verified=False)
    )

    assert NOT_VERIFIED in error_shown(portal, response)
    assert no_key_anywhere()
    assert failures("User verification")


def test_F1_a_pending_registration_is_answered_once(portal, alice):
    options = creation_options(registration_begun(portal))
    answer = SoftwareAuthenticator().create(options, origin=ORIGIN)
    first = portal.post(REGISTER, {"credential": json.dumps(answer)})
    assert first["Location"] == SLS

    replayed = portal.post(REGISTER, {"credential": json.dumps(answer)})
    assert START_AGAIN in error_shown(portal, replayed)
    another = SoftwareAuthenticator().create(options, origin=ORIGIN)
    another_key = portal.post(REGISTER, {"credential": json.dumps(another)})
    assert START_AGAIN in error_shown(portal, another_key)

    assert len(keys_of(alice)) == 1
    assert len(failures("not_pending")) == 2
    assert portal.get(REGISTER)["Location"] == ADD


def test_F1_a_refused_answer_ends_the_pending_registration(portal, alice):
    key = SoftwareAuthenticator()
    options = creation_options(registration_begun(portal))
    evil = key.create(options, origin="http://evil.example")
    portal.post(REGISTER, {"credential": json.dumps(evil)})

    retried = portal.post(REGISTER, {"credential": json.dumps(key.create(options, origin=ORIGIN))})

    assert START_AGAIN in error_shown(portal, retried)
    assert no_key_anywhere()


def test_F1_an_expired_pending_registration_is_refused(portal, alice):
    answer = SoftwareAuthenticator().create(
        creation_options(registration_begun(portal)), origin=ORIGIN
    )
    later = timezone.now() + conf.SECURITY_KEY_REGISTRATION_TTL + timedelta(seconds=1)

    with time_machine.travel(later, tick=False):
        page = portal.get(REGISTER)
        response = portal.post(REGISTER, {"credential": json.dumps(answer)})
        shown = error_shown(portal, response)

    assert page.status_code == 302 and page["Location"] == ADD
    assert START_AGAIN in shown
    assert no_key_anywhere()
    assert failures("expired")


def test_F1_F2_a_credential_registered_to_another_user_is_refused(portal, alice):
    key = SoftwareAuthenticator()
    key_registered(portal, key)
    bob = UserFactory(username="bob")
    bobs_portal = logged_in(bob)

    response = key_registered(bobs_portal, key, "Borrowed key")

    assert ALREADY_REGISTERED in error_shown(bobs_portal, response)
    assert keys_of(bob) == []
    assert Authenticator.objects.filter(kind="security_key").count() == 1
    [failure] = failures("already_registered")
    assert failure.subject == bob


def test_F1_F2_one_users_own_credential_is_excluded_and_refused_again(portal, alice):
    key = SoftwareAuthenticator()
    key_registered(portal, key)
    name_posted(portal, "Same key again")

    options = creation_options(portal)
    response = credential_posted(portal, key)

    assert [descriptor["id"] for descriptor in options["excludeCredentials"]] == [
        key.credential_id_b64
    ]
    assert ALREADY_REGISTERED in error_shown(portal, response)
    assert len(keys_of(alice)) == 1


def test_F2_two_users_register_their_own_credentials_on_one_physical_key(portal, alice):
    """One physical key holds a credential per user: two software authenticators stand for
    the two credentials it makes. Neither user's options exclude the other's credential."""
    alices_credential, bobs_credential = SoftwareAuthenticator(), SoftwareAuthenticator()
    bob = UserFactory(username="bob")
    bobs_portal = logged_in(bob)
    key_registered(portal, alices_credential, "Shared drawer key")
    name_posted(bobs_portal, "Shared drawer key")

    options = creation_options(bobs_portal)
    response = credential_posted(bobs_portal, bobs_credential)

    assert options["excludeCredentials"] == []
    assert response["Location"] == SLS
    [alices], [bobs] = keys_of(alice), keys_of(bob)
    assert alices.authenticator != bobs.authenticator
    assert alices.authenticator.credential_id == alices_credential.credential_id_b64
    assert bobs.authenticator.credential_id == bobs_credential.credential_id_b64


def test_F1_several_keys_for_one_user(portal, alice):
    first, second = SoftwareAuthenticator(), SoftwareAuthenticator()
    key_registered(portal, first, "Keyring key")
    name_posted(portal, "Laptop passkey")

    options = creation_options(portal)
    response = credential_posted(portal, second)

    assert [descriptor["id"] for descriptor in options["excludeCredentials"]] == [
        first.credential_id_b64
    ]
    assert response["Location"] == SLS
    assert [device.name for device in keys_of(alice)] == ["Keyring key", "Laptop passkey"]
    sls = portal.get(SLS).content.decode()
    assert "<td>Keyring key</td>" in sls and "<td>Laptop passkey</td>" in sls


def test_G2_F1_a_registered_key_is_the_fresh_answer_for_the_next(portal, alice):
    first = SoftwareAuthenticator()
    key_registered(portal, first)
    [first_device] = keys_of(alice)
    page = portal.get(ADD, {"device": first_device.pk})
    fresh = page.context["fresh_factor"]
    assert fresh["device"] == first_device
    assertion = first.get(fresh["challenge"].client_options, origin=ORIGIN)

    response = portal.post(
        ADD,
        {
            "name": "Backup key",
            "device": first_device.pk,
            "challenge": fresh["challenge"].pk,
            "response": json.dumps(assertion),
        },
    )
    credential_posted(portal, SoftwareAuthenticator())

    assert response["Location"] == REGISTER
    assert [device.name for device in keys_of(alice)] == ["Keyring key", "Backup key"]


def test_G2_without_the_fresh_answer_no_registration_begins(portal, alice):
    page = portal.get(ADD)
    fields = fresh_factor_fields(page, right=False)

    wrong = portal.post(ADD, {"name": "Keyring key", **fields})
    assert portal.get(REGISTER)["Location"] == ADD
    unanswered = portal.post(ADD, {"name": "Keyring key"})
    assert portal.get(REGISTER)["Location"] == ADD
    straight = portal.post(REGISTER, {"credential": json.dumps({"id": "AA"})})

    assert wrong.status_code == 200 and 'id="fresh-factor-error"' in wrong.content.decode()
    assert unanswered.status_code == 200
    # Both are answers the gate refused, counted towards the lockout (L3) like a login's.
    assert LoginFailure.objects.filter(user=alice).count() == 2
    assert START_AGAIN in error_shown(portal, straight)
    assert failures("not_pending")
    assert no_key_anywhere()
    with pytest.raises(PermissionDenied):
        security_key_registration_begin(user=alice, name="Keyring key", fresh_factor=None)


def test_G2_without_a_permanent_device_the_page_refuses(support_agent, client):
    user = UserFactory(device=False)
    passcode = passcode_give(user, support_agent)
    login_with(client, user, DEFAULT_PASSWORD, "temporary_passcode", response=passcode)
    assert client.get(SLS).status_code == 200

    page = client.get(ADD)
    posted = client.post(ADD, {"name": "Thief's key"})

    assert page.status_code == 403 and posted.status_code == 403
    text = page.content.decode()
    assert 'id="security-key-refused"' in text
    assert "permanent security devices" in " ".join(text.split())
    assert "Client Services" in text
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.ACTIVATION_REFUSED,
        subject=user,
        detail__step=Action.ADD_SECURITY_KEY.value,
    ).exists()
    challenge = challenge_new()
    options = security_key_creation_options(user=user, challenge=challenge)
    answer = json.dumps(SoftwareAuthenticator().create(options, origin=ORIGIN))
    with pytest.raises(ValidationError) as refused:
        security_key_register(
            user=user, name="Thief's key", answer=answer, challenge=challenge, client=SYSTEM
        )
    assert refused.value.code == "no_permanent_device"
    assert no_key_anywhere()


@pytest.mark.parametrize(
    ("credential", "message"),
    [
        ("x" * (REGISTRATION_MAX_LENGTH + 1), CREDENTIAL_TOO_LONG),
        ("", CREDENTIAL_MISSING),
        (None, CREDENTIAL_MISSING),
        ("not json", NOT_VERIFIED),
        ("[]", NOT_VERIFIED),
        ("{}", NOT_VERIFIED),
        ('{"id": "AA", "rawId": "AA", "type": "public-key"}', NOT_VERIFIED),
        ("ünïcödé ✓ 🔑", NOT_VERIFIED),
        (
            json.dumps(
                {
                    "id": "é",
                    "rawId": "é",
                    "type": "public-key",
                    "response": {"clientDataJSON": "é", "attestationObject": "🔑"},
                }
            ),
            NOT_VERIFIED,
        ),
        ("[" * 4000 + "]" * 4000, NOT_VERIFIED),
        ('{"id": 1, "response": []}', NOT_VERIFIED),
    ],
    ids=[
        "huge",
        "empty",
        "missing",
        "non-json",
        "json-array",
        "json-empty-object",
        "no-response",
        "unicode-text",
        "unicode-fields",
        "deeply-nested",
        "wrong-types",
    ],
)
def test_F1_bad_input_is_a_clear_refusal_that_creates_nothing(portal, alice, credential, message):
    name_posted(portal)
    data = {} if credential is None else {"credential": credential}

    response = portal.post(REGISTER, data)

    assert message in error_shown(portal, response)
    assert no_key_anywhere()
    assert failures()


@given(data=st.data())
@own_throttles
def test_F1_the_registration_forms_never_fail_and_register_nothing_unproven(db, data):
    client = logged_in(UserFactory())
    kept = fresh_factor_fields(client.get(ADD))

    post_fuzzed(client, ADD, data.draw(bodies(fuzzed=("name",), kept=kept)), may_succeed=True)
    registration_begun(client)
    post_fuzzed(client, REGISTER, data.draw(bodies(fuzzed=("credential",))))

    assert no_key_anywhere()


def test_F1_a_nul_in_the_answer_is_refused_where_the_request_enters(portal, alice):
    name_posted(portal)

    response = portal.post(REGISTER, {"credential": '{"id": "\x00"}'})

    assert_refused_page(response)
    assert no_key_anywhere()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", NAME_REQUIRED),
        ("   ", NAME_REQUIRED),
        ("k" * 65, NAME_TOO_LONG),
        ("k" * 100_000, NAME_TOO_LONG),
        ("tab\there", NAME_CHARACTERS),
        ("line\nbreak", NAME_CHARACTERS),
        ("delete\x7f", NAME_CHARACTERS),
        ("\u202eyek lanoitasnes", NAME_CHARACTERS),
        ("zero\u200bwidth", NAME_CHARACTERS),
        ("unassigned\u0378", NAME_CHARACTERS),
    ],
    ids=[
        "empty",
        "blank",
        "65",
        "huge",
        "tab",
        "newline",
        "del",
        "rtl-override",
        "zero-width",
        "unassigned",
    ],
)
def test_F1_a_bad_name_is_refused_before_the_device_is_asked(portal, alice, name, message):
    response = name_posted(portal, name)

    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert portal.get(REGISTER)["Location"] == ADD
    assert not LoginFailure.objects.filter(user=alice).exists()


def test_F1_a_nul_in_the_name_is_refused_where_the_request_enters(portal, alice):
    assert_refused_page(name_posted(portal, "key\x00"))
    assert portal.get(REGISTER)["Location"] == ADD


def test_F1_a_name_in_any_script_is_kept_as_typed(portal, alice):
    key_registered(portal, SoftwareAuthenticator(), "  Clé de Zoë 🔑 <b>  ")

    [device] = keys_of(alice)
    assert device.name == "Clé de Zoë 🔑 <b>"
    assert "<td>Clé de Zoë 🔑 &lt;b&gt;</td>" in portal.get(SLS).content.decode()


def test_E1_G2_a_new_applicants_sms_device_approves_adding_a_key(client):
    applicant = UserFactory(device=False, client__mobile_number="+447400123456")
    post_login(client, applicant.username, DEFAULT_PASSWORD)
    client.post(reverse("enrolment:start"), {"country": "GB", "national_number": "7400123456"})
    code = re.search(r"\b(\d{6})\b", sent[-1].body).group(1)
    enrolled = client.post(reverse("enrolment:confirm"), {"code": code})
    assert enrolled["Location"] == SLS
    sls = client.get(SLS).content.decode()
    assert 'id="security-key-invitation"' in sls and 'id="add-security-key"' in sls
    [sms] = step_devices(applicant, Action.ADD_SECURITY_KEY)
    assert sms.authenticator.kind == "sms"

    page = client.get(ADD)
    assert page.context["fresh_factor"]["device"] == sms
    sms_code = re.search(r"\b(\d{6})\b", sent[-1].body).group(1)
    response = client.post(
        ADD,
        {
            "name": "First key",
            "device": sms.pk,
            "challenge": page.context["fresh_factor"]["challenge"].pk,
            "response": sms_code,
        },
    )
    registered = credential_posted(client, SoftwareAuthenticator())

    assert response["Location"] == REGISTER
    assert registered["Location"] == SLS
    assert [device.name for device in keys_of(applicant)] == ["First key"]


def test_F1_the_pages_name_the_origin_keys_work_at(portal, alice):
    name_posted(portal)

    for url in (SLS, ADD, REGISTER):
        text = portal.get(url).content.decode()
        assert 'id="webauthn-origin-note"' in text
        assert "<strong>http://localhost:8000</strong>" in text
        assert "IP address" in text


def test_F1_the_script_finds_every_element_it_uses_on_the_register_page(portal, alice):
    script = (Path(settings.BASE_DIR) / "static/js/webauthn-register.js").read_text()
    name_posted(portal)
    page = portal.get(REGISTER).content.decode()

    used = set(re.findall(r'getElementById\("([^"]+)"\)', script))

    assert used == {
        "register-key",
        "security-key-register-form",
        "webauthn-creation-options",
        "webauthn-unavailable",
        "webauthn-unavailable-reason",
        "webauthn-status",
        "webauthn-paste",
        "webauthn-creation-copy",
    }
    for element_id in used:
        assert f'id="{element_id}"' in page
    assert "form.elements.credential" in script and "toJSON" in script
    assert "navigator.credentials" in script and "window.PublicKeyCredential" in script


def test_F1_a_registration_made_by_the_simulated_key_is_checked_like_the_browsers(portal, alice):
    """Where the simulators are installed, the page offers the creation options to copy into
    the security key simulator and takes the registration it gives back."""
    key = security_key_create(label="Desk key")
    registration_begun(portal)
    page = portal.get(REGISTER).content.decode()
    options = _OPTIONS_SCRIPT.search(page).group(1)

    answer = security_key_register_simulated(serial=key.serial, options=options, origin=ORIGIN)
    response = portal.post(REGISTER, {"credential": json.dumps(answer)})

    assert 'id="webauthn-simulated"' in page and 'id="webauthn-paste"' in page
    assert response["Location"] == SLS
    [device] = keys_of(alice)
    assert device.authenticator.credential_id == key.credential_id
