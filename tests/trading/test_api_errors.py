"""Every error of the trading API, and of any path below /api/, is the API's JSON
`{"error": code, "detail": words}`, never a page (issue 15): each status it answers, a
fault on our side, and a database that cannot answer (503 with Retry-After, then service
resumes by itself)."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from accounts.models import AuditEvent
from accounts.outage import DATABASE_RETRY_AFTER
from tests.error_helpers import REFUSED, SECRET, browser, database_down
from tests.factories import UserFactory
from tests.login_helpers import full_login
from tests.trading.api import BASE, begin, card_login, get, post, token_of

pytestmark = pytest.mark.django_db


def assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert set(body) == {"error", "detail"}, body
    assert body["error"] == code, body
    return body


def test_400_for_a_request_django_refuses():
    response = Client().get(f"{BASE}/me", headers={"host": "attacker.example"})

    assert_api_error(response, 400, "bad_request")


def test_400_for_input_a_service_refuses(client):
    response = begin(client, "Not A Name!", "whatever-password")

    assert_api_error(response, 400, "bad_input")


def test_401_without_a_token(client):
    assert_api_error(get(client, "/me"), 401, "unauthenticated")


def test_403_for_a_form_post_without_csrf_to_the_docs():
    response = Client(enforce_csrf_checks=True).post(f"{BASE}/docs")

    assert_api_error(response, 403, "forbidden")


def test_403_for_a_user_without_a_device(client, password):
    user = UserFactory(device=False)

    assert_api_error(begin(client, user.username, password), 403, "no_device")


@pytest.mark.parametrize(
    "path",
    [f"{BASE}/nothing/here", f"{BASE}/", "/api/", "/api/other/v2/orders"],
)
def test_404_for_any_unknown_path_below_api(client, path):
    assert_api_error(client.get(path), 404, "not_found")
    assert_api_error(client.post(path, "{}", content_type="application/json"), 404, "not_found")


def test_405_for_a_method_the_call_does_not_take(client):
    for method in ("get", "put", "patch", "delete", "options"):
        response = getattr(client, method)(f"{BASE}/login")

        assert_api_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "POST"


def test_413_for_a_body_over_the_limit(client):
    body = json.dumps({"padding": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = post(client, "/login", raw=body)

    assert_api_error(response, 413, "too_large")


def test_422_for_a_field_of_the_wrong_type(client):
    response = post(client, "/login", {"username": 5, "password": ["x"]})

    assert_api_error(response, 422, "invalid_input")


def test_429_after_too_many_attempts(client, settings):
    settings.SLS_THROTTLE_LIMITS = {"password_user": (1, 60)}
    begin(client, "nobody", "a-guess-at-it")

    response = begin(client, "nobody", "a-guess-at-it")

    assert_api_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_500_for_a_fault_on_our_side_says_nothing_of_it(monkeypatch, user, password):
    def fail(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr("trading.api.trading_login_begin", fail)

    response = begin(browser(), user.username, password)

    body = assert_api_error(response, 500, "server_error")
    assert SECRET not in json.dumps(body)


def assert_unavailable(response) -> None:
    body = assert_api_error(response, 503, "unavailable")
    assert "nothing was changed" in body["detail"]
    assert REFUSED not in body["detail"]
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)


def test_503_with_retry_after_while_the_database_is_down_then_resumes(user, password):
    client = browser()
    events = AuditEvent.objects.count()

    with database_down():
        refused = begin(client, user.username, password)

    assert_unavailable(refused)
    assert AuditEvent.objects.count() == events
    assert begin(client, user.username, password).json()["status"] == "second_factor_required"


def test_503_for_an_authenticated_call_while_the_database_is_down(user, password):
    client = browser()
    token = token_of(card_login(client, user.username, password))

    with database_down():
        refused = get(client, "/me", token)

    assert_unavailable(refused)
    assert get(client, "/me", token).json()["user"] == user.username


def test_503_in_json_when_the_fault_comes_before_the_call(user, password):
    """A program that also carries a portal session cookie: the session is loaded by
    middleware, before the API's own error handling; the answer is JSON all the same."""
    client = browser()
    full_login(client, user.username, password)

    with database_down():
        refused = get(client, "/me")

    assert_unavailable(refused)


def test_the_outage_of_a_call_is_logged_with_its_cause_for_the_operator(user, password, caplog):
    with database_down(), caplog.at_level(logging.ERROR, logger="django.request"):
        begin(browser(), user.username, password)

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Service Unavailable: {BASE}/login"
    assert isinstance(record.exc_info[1], OperationalError)
