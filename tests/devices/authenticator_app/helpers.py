"""Adding an authenticator app from tests the way a client does: the name and the fresh
answer of the card, then the QR page, whose secret the "app" (pyotp, as a real app
computes) turns into codes."""

from __future__ import annotations

import datetime as dt

import pyotp
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from devices.models import SecurityDevice
from tests.accounts.sls_helpers import post_with_fresh_factor

START = reverse("authenticator_app:start")
CONFIRM = reverse("authenticator_app:confirm")
STEP = dt.timedelta(seconds=30)


def app_code(secret: str) -> str:
    """What the app shows now for `secret` (base32)."""
    return pyotp.TOTP(secret).now()


def codes_near(secret: str) -> set[str]:
    """The codes the portal takes now for `secret`: this step and the drift either side."""
    totp = pyotp.TOTP(secret)
    now = dt.datetime.now(dt.UTC)
    return {totp.at(now + offset * STEP) for offset in (-1, 0, 1)}


def wrong_code(secret: str) -> str:
    """A well-formed code that is none of those the portal takes now."""
    near = codes_near(secret)
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def start(client: Client, name: str = "My phone", *, right: bool = True) -> HttpResponse:
    """The name with the card's fresh answer (wrong if asked)."""
    return post_with_fresh_factor(client, START, {"name": name}, right=right)


def shown_secret(client: Client) -> str:
    """The key the QR page shows, as a person reads it off the page."""
    page = client.get(CONFIRM)
    assert page.status_code == 200, page.status_code
    return "".join(page.context["pending"].secret_groups)


def confirm(client: Client, code: str) -> HttpResponse:
    return client.post(CONFIRM, {"code": code})


def enrol(client: Client, user: User, name: str = "My phone") -> tuple[SecurityDevice, str]:
    """The whole enrolment; the user's new device and the secret the app holds."""
    assert start(client, name).url == CONFIRM
    secret = shown_secret(client)
    response = confirm(client, app_code(secret))
    assert response.status_code == 302 and response.url == reverse("accounts:secure_login")
    return SecurityDevice.objects.get(user=user, name=name), secret
