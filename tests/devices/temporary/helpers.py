"""Interim access in tests: a client whose permanent device is out of reach gets a
temporary passcode from support, logs in with it, and answers the online card."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import User
from devices.models import SecurityDevice
from devices.temporary.services import online_card_grid, passcode_issue
from tests.identification_helpers import caller_identified
from tests.login_helpers import device_page, post_login

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def passcode_give(user: User, agent: User, reason: str = "unavailable") -> str:
    """What support reads to the caller over the phone (T1)."""
    return passcode_issue(
        user=user,
        agent=agent,
        identification=caller_identified(user, agent),
        reason=reason,
        client=SYSTEM,
    )


def device_of(user: User, kind: str) -> SecurityDevice:
    return (
        SecurityDevice.objects.select_related("authenticator")
        .filter(user=user, authenticator__kind=kind)
        .latest("pk")
    )


def online_card_answer(device: SecurityDevice, challenge: str) -> str:
    """What the holder of the printed online card types for "17,42"."""
    grid = online_card_grid(device.authenticator)
    return "".join(grid[int(index)] for index in challenge.split(","))


def login_with(
    client: Client, user: User, password: str, kind: str, response: str | None = None
) -> HttpResponse:
    """Both steps with the user's device of `kind`: the online card is answered from its
    grid, the passcode with `response`. The final response, not followed."""
    post_login(client, user.username, password)
    device = device_of(user, kind)
    page = device_page(client, device)
    challenge = page.context["challenge"]
    if response is None:
        response = online_card_answer(device, challenge.value)
    return client.post(
        reverse("devices:login_device"),
        {"device": device.pk, "challenge": challenge.pk, "response": response},
    )


def messages_of(response: HttpResponse) -> list[str]:
    return [str(message) for message in response.context["messages"]]
