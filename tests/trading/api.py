"""Calling the trading API from tests as a program would: JSON in, JSON out, a bearer
token on authenticated calls; the card simulators answer challenges."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from devices.models import Challenge, SecurityDevice
from tests.login_helpers import card_answer

BASE = "/api/trading"


def post(client: Client, path: str, data: Any = None, token: str = "", raw: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = raw if raw is not None else json.dumps(data or {})
    return client.post(f"{BASE}{path}", body, content_type="application/json", headers=headers)


def get(client: Client, path: str, token: str = ""):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"{BASE}{path}", headers=headers)


def begin(client: Client, username: str, password: str):
    return post(client, "/login", {"username": username, "password": password})


def ask(client: Client, login_id: str, device_id: int | None = None, fallback: bool = False):
    return post(
        client,
        "/login/challenge",
        {"login_id": login_id, "device_id": device_id, "fallback": fallback},
    )


def card_reply(asked: dict) -> str:
    """What the holder of the asked device types (card simulators)."""
    challenge = Challenge.objects.select_related("device__authenticator").get(
        pk=asked["challenge_id"]
    )
    return card_answer(challenge.device, challenge.value)


def verify(client: Client, login_id: str, asked: dict, response: str | None = None):
    return post(
        client,
        "/login/verify",
        {
            "login_id": login_id,
            "device_id": asked["device_id"],
            "challenge_id": asked["challenge_id"],
            "response": card_reply(asked) if response is None else response,
        },
    )


def card_login(client: Client, username: str, password: str, device: SecurityDevice | None = None):
    """The whole login with a card; the final answer."""
    login_id = begin(client, username, password).json()["login_id"]
    asked = ask(client, login_id, device.pk if device else None).json()
    return verify(client, login_id, asked)


def token_of(response) -> str:
    assert response.status_code == 200, response.content
    return response.json()["token"]
