"""Every POST operation of the trading API's own OpenAPI schema, sent bodies no program
should send: over DATA_UPLOAD_MAX_MEMORY_SIZE, unparsable, JSON that is not an object, and
objects whose fields have wrong types, NUL bytes, huge or non-Latin strings. The answer is
always the API's JSON error, `{"error": code, "detail": words}`, never an HTML page or a
server error. The operations are read from the schema, so a new one is covered too."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from accounts.models import AuditEvent
from accounts.validators import CONTROL_CHARACTERS_MESSAGE
from tests.trading.api import BASE, card_login, token_of
from trading.api import api

pytestmark = pytest.mark.django_db


def _schema() -> dict:
    return api.get_openapi_schema(path_prefix=BASE)


def _posts() -> list[tuple[str, dict]]:
    return [
        (path, operations["post"])
        for path, operations in _schema()["paths"].items()
        if "post" in operations
    ]


def _fields(operation: dict) -> list[str]:
    """The body's fields, from the schema component the operation names."""
    body = operation.get("requestBody")
    if body is None:
        return []
    ref = body["content"]["application/json"]["schema"]["$ref"]
    component = _schema()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return sorted(component.get("properties", {}))


POSTS = _posts()
WITH_BODY = [(path, operation) for path, operation in POSTS if operation.get("requestBody")]

UNPARSABLE = {
    "not_json": "{not json",
    "truncated": '{"login_id": "abc"',
    "list": "[]",
    "list_of_object": '[{"login_id": "abc"}]',
    "string": '"a string"',
    "number": "12",
    "null": "null",
    "raw_nul": '{"login_id": "a\x00b"}',
    "not_utf8": b'{"login_id": "\xff\xfe"}',
    "deep": "[" * 100_000 + "]" * 100_000,
    "huge_int": '{"device_id": ' + "9" * 5_000 + "}",
}

WRONG_VALUES = {
    "list": [1, 2],
    "object": {"a": 1},
    "bool": True,
    "null": None,
    "negative": -1,
    "huge_int": 10**30,
    "float": 1.5,
    "nul": "a\u0000b",
    "huge_string": "x" * 200_000,
    "unicode": "\u00e5\u4e2d\U0001f600\u202e\u0663",
    "empty": "",
}


def _token(client, user, password) -> str:
    return token_of(card_login(client, user.username, password))


def _post(client, path: str, body: str | bytes, token: str):
    return client.post(
        path, body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def _assert_api_error(response, *statuses: int) -> dict:
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    if statuses:
        assert response.status_code in statuses, body
    if response.status_code >= 400:
        assert set(body) == {"error", "detail"}, body
    return body


def test_every_post_operation_of_the_schema_is_tried():
    paths = {path for path, _ in POSTS}

    assert {f"{BASE}/login", f"{BASE}/login/verify", f"{BASE}/orders"} <= paths
    assert f"{BASE}/withdrawals" in paths
    assert all(_fields(operation) for _, operation in WITH_BODY)


@pytest.mark.parametrize(("path", "operation"), POSTS, ids=[path for path, _ in POSTS])
def test_body_over_the_upload_limit_is_413_too_large(client, user, password, path, operation):
    token = _token(client, user, password)
    body = json.dumps({"padding": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = _post(client, path, body, token)

    if operation.get("requestBody"):
        body = _assert_api_error(response, 413)
        assert body["error"] == "too_large"
    else:
        _assert_api_error(response)


@pytest.mark.parametrize(("path", "operation"), WITH_BODY, ids=[path for path, _ in WITH_BODY])
@pytest.mark.parametrize("kind", UNPARSABLE)
def test_body_that_is_not_one_json_object_is_400_bad_request(
    client, user, password, path, operation, kind
):
    token = _token(client, user, password)

    response = _post(client, path, UNPARSABLE[kind], token)

    assert _assert_api_error(response, 400)["error"] == "bad_request"


@pytest.mark.parametrize(("path", "operation"), WITH_BODY, ids=[path for path, _ in WITH_BODY])
def test_wrong_types_nul_huge_and_unicode_fields_are_json_errors(
    client, user, password, path, operation
):
    token = _token(client, user, password)
    for field in _fields(operation):
        for kind, value in WRONG_VALUES.items():
            response = _post(client, path, json.dumps({field: value}), token)

            body = _assert_api_error(response)
            assert response.status_code >= 400 or kind in ("bool", "unicode", "empty"), (
                field,
                kind,
                body,
            )
            if response.status_code == 401 and body["error"] == "session_ended":
                token = _token(client, user, password)


CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f"]


def _text_fields(operation: dict) -> list[str]:
    """The body's fields that take a string (alone or beside null)."""
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = _schema()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return sorted(
        name
        for name, field in component.get("properties", {}).items()
        if "string" in [field.get("type"), *(part.get("type") for part in field.get("anyOf", []))]
    )


TEXT_FIELDS = [(path, field) for path, operation in WITH_BODY for field in _text_fields(operation)]


def test_the_text_fields_are_read_from_the_schema():
    assert (f"{BASE}/withdrawals", "intent_token") in TEXT_FIELDS
    assert (f"{BASE}/orders", "limit_price") in TEXT_FIELDS
    assert (f"{BASE}/login", "password") in TEXT_FIELDS


@pytest.mark.parametrize(("path", "field"), TEXT_FIELDS, ids=[f"{p}:{f}" for p, f in TEXT_FIELDS])
def test_control_characters_in_any_text_field_are_400_bad_input(
    client, user, password, path, field
):
    """Refused by the schema before any service, as the portal refuses them in a form."""
    token = _token(client, user, password)
    events = AuditEvent.objects.count()

    for char in CONTROL_CHARACTERS:
        response = _post(client, path, json.dumps({field: f"a{char}b"}), token)

        assert _assert_api_error(response, 400) == {
            "error": "bad_input",
            "detail": CONTROL_CHARACTERS_MESSAGE,
        }
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_are_text_to_the_schema(client, char):
    response = _post(client, f"{BASE}/login/challenge", json.dumps({"login_id": f"a{char}b"}), "")

    assert _assert_api_error(response, 401)["error"] == "login_expired"
