"""The API describes itself: an OpenAPI schema as JSON, and its docs page without a CDN."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served_as_valid_json(client):
    response = client.get("/api/trading/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/trading/login",
        "/api/trading/login/verify",
        "/api/trading/me",
        "/api/trading/permissions",
        "/api/trading/orders",
        "/api/trading/withdrawals/capacity",
        "/api/trading/withdrawals/intents",
        "/api/trading/withdrawals",
    } <= set(schema["paths"])
    order = schema["paths"]["/api/trading/orders"]["post"]
    assert {"201", "403"} <= set(order["responses"])
    withdraw = schema["paths"]["/api/trading/withdrawals"]["post"]
    assert {"200", "201", "409"} <= set(withdraw["responses"])
    assert "idempotency_key" in schema["components"]["schemas"]["WithdrawIn"]["required"]
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()


def test_docs_page_uses_local_assets(client):
    response = client.get("/api/trading/docs")

    assert response.status_code == 200
    assert b"cdn." not in response.content
    assert b"swagger-ui" in response.content


def test_docs_page_names_its_language(client):
    response = client.get("/api/trading/docs")

    assert b'<html lang="en">' in response.content
    assert b"css/api-docs.css" in response.content


def test_unknown_call_is_a_json_404(client):
    response = client.get("/api/trading/nothing/here")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
