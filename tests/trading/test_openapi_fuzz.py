"""Schemathesis over the trading API's own OpenAPI schema, through the real WSGI app: for
every operation, inputs the schema allows and inputs it does not, with no token and with a
valid bearer token; the answer is never a server error (issue 8, "no server error")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error

from tests.trading.api import card_login, token_of

pytestmark = pytest.mark.django_db

HANDLER = WSGIHandler()


def app(environ: dict, start_response: Callable) -> list[bytes]:
    """The project's WSGI app, run inside the test's transaction: as in Django's own test
    client, the handler must not close the database connection at the start and end of a
    request, so the response is read and closed while that is switched off."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = HANDLER(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return [body]


schema = schemathesis.openapi.from_wsgi("/api/trading/openapi.json", app)


@pytest.fixture
def bearer(client, user, password) -> dict[str, str]:
    """A live trading session, made through the API as the trading desktop would."""
    return {"Authorization": f"Bearer {token_of(card_login(client, user.username, password))}"}


@schema.parametrize()
def test_D4_api_never_answers_a_server_error_without_a_token(case):
    case.call_and_validate(checks=[not_a_server_error])


@schema.parametrize()
def test_D4_api_never_answers_a_server_error_with_a_valid_token(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
