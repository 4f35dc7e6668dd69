"""F4: a security key answers on the trading channel too. A challenge of a security key
carries its WebAuthn request options as JSON (`webauthn`, null for every other device);
the client posts the assertion back, as JSON text, in `response`: at login, to extend the
session (K5) and to approve a withdrawal (W1, F2). A malformed assertion is "Login failed"
and counted, never a server error; the command-line client answers with a software key."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from accounts.models import LoginFailure, User
from devices.security_keys.software import SoftwareAuthenticator
from devices.security_keys.webauthn import ANSWER_MAX_LENGTH
from tests.devices.security_keys.helpers import assertion, key_device, security_key_give
from tests.factories import UserFactory
from tests.trading.api import ask, begin, get, post, token_of

pytestmark = pytest.mark.django_db

DESTINATION = "GB82 WEST 1234 5698 7654 32"


@pytest.fixture
def key_holder() -> tuple[User, SoftwareAuthenticator]:
    user = UserFactory(device=False)
    return user, security_key_give(user, name="Desk key")


def key_asked(client, user: User, password: str) -> tuple[str, dict]:
    login_id = begin(client, user.username, password).json()["login_id"]
    return login_id, ask(client, login_id).json()


def verify(client, login_id: str, asked: dict, response: str):
    return post(
        client,
        "/login/verify",
        {
            "login_id": login_id,
            "device_id": asked["device_id"],
            "challenge_id": asked["challenge_id"],
            "response": response,
        },
    )


def key_session(client, user: User, key: SoftwareAuthenticator, password: str) -> str:
    login_id, asked = key_asked(client, user, password)
    return token_of(verify(client, login_id, asked, assertion(key, asked["webauthn"])))


def test_F4_trading_login_gets_the_options_and_posts_the_assertion(client, key_holder, password):
    user, key = key_holder
    begun = begin(client, user.username, password).json()
    assert [device["kind"] for device in begun["devices"]] == ["security_key"]

    asked = ask(client, begun["login_id"]).json()

    device = key_device(user)
    assert asked["type"] == "challenge"
    assert asked["device_id"] == device.pk
    options = asked["webauthn"]
    assert options["challenge"] == asked["challenge"]
    assert options["rpId"] == "localhost"
    assert options["userVerification"] == "required"
    assert [c["id"] for c in options["allowCredentials"]] == [device.authenticator.credential_id]
    response = verify(client, begun["login_id"], asked, assertion(key, options))
    token = token_of(response)
    me = get(client, "/me", token).json()
    assert me["device"]["kind"] == "security_key"
    assert me["approval_method"] == "response"


def test_F4_typed_devices_get_no_webauthn_options(client, password):
    user = UserFactory()

    _, asked = key_asked(client, user, password)

    assert asked["type"] == "challenge"
    assert asked["webauthn"] is None


def test_F1_F4_an_assertion_for_another_origin_is_login_failed(client, key_holder, password):
    user, key = key_holder
    login_id, asked = key_asked(client, user, password)

    response = verify(
        client, login_id, asked, assertion(key, asked["webauthn"], at="https://phish.example")
    )

    assert response.status_code == 401
    assert response.json() == {"error": "login_failed", "detail": "Login failed"}
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_F1_F4_a_replayed_assertion_is_refused(client, key_holder, password):
    user, key = key_holder
    login_id, asked = key_asked(client, user, password)
    answer = assertion(key, asked["webauthn"])
    token_of(verify(client, login_id, asked, answer))
    login_id, again = key_asked(client, user, password)

    to_its_own_challenge = verify(client, login_id, asked, answer)
    to_the_new_challenge = verify(client, login_id, again, answer)

    assert to_its_own_challenge.json()["error"] == "challenge_closed"
    assert to_the_new_challenge.json()["error"] == "login_failed"
    assert LoginFailure.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    "junk",
    [
        "hello",
        "[]",
        "{}",
        '{"id": "\\u0000", "rawId": 5}',
        json.dumps({"id": "x", "rawId": "x", "type": "public-key", "response": None}),
        "{" + "x" * (ANSWER_MAX_LENGTH - 2) + "}",
    ],
    ids=["text", "array", "empty", "escaped-nul", "null-response", "longest"],
)
def test_F4_L5_malformed_assertions_are_login_failed_and_counted(
    client, key_holder, password, junk
):
    user, _ = key_holder
    login_id, asked = key_asked(client, user, password)

    response = verify(client, login_id, asked, junk)

    assert response.status_code == 401
    assert response.json() == {"error": "login_failed", "detail": "Login failed"}
    assert LoginFailure.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    ("junk", "status", "error"),
    [
        ("{" + "x" * (ANSWER_MAX_LENGTH - 1) + "}", 422, "invalid_input"),
        ('{"id": "\x00"}', 400, "bad_input"),
    ],
    ids=["too-long", "nul"],
)
def test_F4_oversized_or_nul_answers_are_refused_unread(
    client, key_holder, password, junk, status, error
):
    user, _ = key_holder
    login_id, asked = key_asked(client, user, password)

    response = verify(client, login_id, asked, junk)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert LoginFailure.objects.filter(user=user).count() == 0


def test_F4_K5_the_key_extends_its_session(client, key_holder, password):
    user, key = key_holder
    token = key_session(client, user, key, password)

    asked = post(client, "/session/reauthenticate", {}, token).json()

    assert asked["webauthn"]["challenge"] == asked["challenge"]
    extended = post(
        client,
        "/session/extend",
        {"challenge_id": asked["challenge_id"], "response": assertion(key, asked["webauthn"])},
        token,
    )
    assert extended.status_code == 200
    assert key_device(user).authenticator.counter == 2


def test_F4_K5_a_malformed_assertion_does_not_extend(client, key_holder, password):
    user, key = key_holder
    token = key_session(client, user, key, password)
    asked = post(client, "/session/reauthenticate", {}, token).json()

    extended = post(
        client,
        "/session/extend",
        {"challenge_id": asked["challenge_id"], "response": "[]"},
        token,
    )

    assert extended.json() == {"error": "login_failed", "detail": "Login failed"}
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_F4_W1_a_withdrawal_above_the_card_rows_is_approved_by_the_key(
    client, key_holder, password
):
    user, key = key_holder
    token = key_session(client, user, key, password)

    intent = post(
        client,
        "/withdrawals/intents",
        {"amount": "750000.00", "destination": DESTINATION},
        token,
    ).json()

    assert intent["device"]["kind"] == "security_key"
    assert intent["webauthn"]["challenge"] == intent["challenge"]
    made = post(
        client,
        "/withdrawals",
        {
            "intent_token": intent["intent_token"],
            "challenge_id": intent["challenge_id"],
            "response": assertion(key, intent["webauthn"]),
            "amount": intent["amount"],
            "destination": DESTINATION,
            "idempotency_key": str(uuid.uuid4()),
        },
        token,
    )
    assert made.status_code == 201, made.content
    assert made.json()["tier"] == "unlimited"


def test_F4_the_schema_says_where_the_options_and_the_assertion_go(client):
    schema = client.get("/api/trading/openapi.json").json()["components"]["schemas"]

    assert "webauthn" in schema["AskOut"]["properties"]
    assert "webauthn" in schema["IntentOut"]["properties"]
    for name in ("VerifyIn", "ExtendIn", "WithdrawIn"):
        assert schema[name]["properties"]["response"]["maxLength"] == ANSWER_MAX_LENGTH


def _cli(live_server, *args: str) -> dict:
    out = io.StringIO()
    call_command("trading_login", "--url", live_server.url, *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_F4_cli_answers_with_a_software_key_file(live_server, settings, tmp_path, password):
    settings.SLS_WEBAUTHN_ORIGINS = [live_server.url]
    user = UserFactory(device=False)
    key_file = tmp_path / "key.json"
    key_file.write_text(security_key_give(user).to_json())
    login = ("--username", user.username, "--password", password, "--security-key")

    first = _cli(live_server, *login, str(key_file))
    second = _cli(live_server, *login, str(key_file))

    assert first["status"] == second["status"] == "authenticated"
    assert first["session"]["device"]["kind"] == "security_key"
    # The file keeps the key's count, so the next login is no clone's.
    assert json.loads(key_file.read_text())["sign_count"] == 2
    assert key_device(user).authenticator.clone_suspected_at is None


@pytest.mark.django_db(transaction=True)
def test_F4_cli_without_a_key_file_says_how_to_answer(live_server, password):
    user = UserFactory(device=False)
    security_key_give(user)

    with pytest.raises(CommandError, match="--security-key FILE"):
        _cli(live_server, "--username", user.username, "--password", password)


@pytest.mark.django_db(transaction=True)
def test_F4_cli_signs_for_the_origin_it_is_given(live_server, tmp_path, password):
    user = UserFactory(device=False)
    key_file = tmp_path / "key.json"
    key_file.write_text(security_key_give(user).to_json())

    with pytest.raises(CommandError, match="Login failed"):
        _cli(
            live_server,
            *("--username", user.username, "--password", password),
            *("--security-key", str(key_file), "--origin", "https://phish.example"),
        )
    assert LoginFailure.objects.filter(user=user).count() == 1
