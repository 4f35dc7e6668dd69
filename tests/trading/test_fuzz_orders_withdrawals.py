"""Never a server error on bad input: bodies generated from the API's own OpenAPI schema,
both valid ones and deliberately invalid ones (wrong types, missing fields, out-of-range
numbers, odd strings), are sent to the order and withdrawal calls with a live token; every
answer is JSON below 500. Loading the schema into schemathesis also checks it is OpenAPI."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.trading.api import BASE, card_login, token_of

pytestmark = pytest.mark.django_db

CALLS = ["/orders", "/withdrawals/intents", "/withdrawals"]


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("path", CALLS)
def test_generated_bodies_never_get_a_server_error(client, clock, user, password, path, mode):
    token = token_of(card_login(client, user.username, password))
    document = json.loads(client.get(f"{BASE}/openapi.json").content)
    operation = schemathesis.openapi.from_dict(document)[f"{BASE}{path}"]["POST"]
    answers = []

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case):
        response = client.post(
            f"{BASE}{path}",
            _raw(case.body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code < 500, (case.body, response.content)
        assert "error" in response.json() or response.status_code == 201
        answers.append(response.status_code)

    send()

    assert answers


def _raw(body) -> bytes | str:
    """Negative generation may produce a body that is not JSON at all: sent as it is."""
    if isinstance(body, bytes):
        return body
    try:
        return json.dumps(body)
    except TypeError:
        return repr(body)
