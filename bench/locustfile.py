"""Locust users for the load test and `make bench`. Each user plays a client at a browser
with the card in hand: the password step, then the DSC+ response computed here from the
card's seed and PIN with the portal's own OCRA function, as the card would.

Credentials come from the JSON file named by BENCH_CREDENTIALS (bench.seed writes it).
Cookies are dropped after each login, so every task is a complete, fresh login."""

from __future__ import annotations

import itertools
import json
import os
import re

import pyotp
from locust import HttpUser, constant, task

from devices.ocra import ocra_response

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHALLENGE = re.compile(r'data-testid="challenge-value">([^<]+)<')
HIDDEN = r'<input type="hidden" name="{name}" value="([^"]*)"[^>]*id="id_{name}"'


def _credentials() -> list[dict]:
    with open(os.environ["BENCH_CREDENTIALS"], encoding="utf-8") as file:
        return json.load(file)


_next_credential = itertools.cycle(_credentials()) if os.environ.get("BENCH_CREDENTIALS") else None


def _find(pattern: str | re.Pattern, text: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        raise ValueError(f"not on the page: {pattern}")
    return found.group(1)


class PortalLogin(HttpUser):
    """The portal login: user name and password, answered with the DSC+ challenge, then
    the card's response."""

    wait_time = constant(0)

    @task
    def login(self) -> None:
        card = next(_next_credential)
        self.client.cookies.clear()
        page = self.client.get("/login/", name="1 login page")
        with self.client.post(
            "/login/",
            {
                "csrfmiddlewaretoken": _find(CSRF, page.text),
                "username": card["username"],
                "password": card["password"],
                "next": "/",
            },
            name="2 password",
            allow_redirects=False,
            catch_response=True,
        ) as device_page:
            if device_page.status_code != 200 or "challenge-value" not in device_page.text:
                device_page.failure(f"no challenge after the password: {device_page.status_code}")
                return
        challenge = _find(CHALLENGE, device_page.text)
        response = ocra_response(
            suite=card["suite"],
            key=bytes.fromhex(card["key"]),
            challenge=challenge,
            pin=card["pin"],
        )
        with self.client.post(
            "/login/device/",
            {
                "csrfmiddlewaretoken": _find(CSRF, device_page.text),
                "next": "/",
                "device": _find(HIDDEN.format(name="device"), device_page.text),
                "challenge": _find(HIDDEN.format(name="challenge"), device_page.text),
                "response": response,
            },
            name="3 response",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302 or answer.headers.get("Location") != "/":
                answer.failure(f"login not completed: {answer.status_code}")


class TwoFactorLogin(HttpUser):
    """django-two-factor-auth's login wizard: the auth step, then the TOTP token step."""

    wait_time = constant(0)

    @task
    def login(self) -> None:
        account = next(_next_credential)
        self.client.cookies.clear()
        page = self.client.get("/account/login/", name="1 login page")
        step = self.client.post(
            "/account/login/",
            {
                "csrfmiddlewaretoken": _find(CSRF, page.text),
                "login_view-current_step": "auth",
                "auth-username": account["username"],
                "auth-password": account["password"],
            },
            name="2 password",
        )
        with self.client.post(
            "/account/login/",
            {
                "csrfmiddlewaretoken": _find(CSRF, step.text),
                "login_view-current_step": "token",
                "token-otp_token": pyotp.TOTP(account["totp_key"]).now(),
            },
            name="3 token",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login not completed: {answer.status_code}")


class BareView(HttpUser):
    """The floor: a view that returns a few bytes, through the same server and middleware."""

    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name="bare view")
