"""A client of a real server, for the fault tests: every call bounded in time and every
answer's status kept, so that a test can say that no request, before, during or after
the fault, was answered with a server error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from django.test import override_settings

from bench.seed import portal_users_seed
from bench.server import Server, gunicorn_running
from tests.redis_server import RedisServer, redis_server_running
from tests.serving import ARGON2, CSRF, HIDDEN, card_response, find, server_env

# Every fault test: a real server over PostgreSQL and a Redis of its own, one at a time.
FAULT_TEST_MARKS = [
    pytest.mark.postgres,
    pytest.mark.faults,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("servers"),
]

TIMEOUT = 20
CHALLENGE = re.compile(r'data-testid="challenge-value">([^<]+)<')
DEVICE_CHOICE = re.compile(r'<select name="device"[^>]*>\s*<option value="([0-9]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
DESTINATION = "GB82WEST12345698765432"
# Every request comes from 127.0.0.1: the per-address limits would count all of them.
SERVER_LIMITS = "password_ip=100000/300,second_factor_ip=100000/300"


class Browser(requests.Session):
    """A browser on one server that remembers each status it was answered."""

    def __init__(self, server: Server) -> None:
        super().__init__()
        self.url = server.url
        self.statuses: list[int] = []
        self.hooks["response"].append(self._keep_status)

    def _keep_status(self, response: requests.Response, *args, **kwargs) -> None:
        self.statuses.append(response.status_code)

    def page(self, path: str) -> requests.Response:
        return self.get(f"{self.url}{path}", allow_redirects=False, timeout=TIMEOUT)

    def submit(self, path: str, data: dict) -> requests.Response:
        return self.post(f"{self.url}{path}", data, allow_redirects=False, timeout=TIMEOUT)

    @property
    def server_errors(self) -> list[int]:
        return [status for status in self.statuses if status >= 500]


@contextmanager
def server_with_own_redis(*, workers: int) -> Iterator[tuple[Server, RedisServer]]:
    """gunicorn with the `make serve` settings over the test database and a Redis started
    for this test alone, on a free port of 127.0.0.1."""
    env = server_env()
    with redis_server_running() as redis_server:
        env = {**env, "REDIS_URL": redis_server.url, "SLS_THROTTLE_LIMITS": SERVER_LIMITS}
        settings = "sls_portal.settings.serve"
        with gunicorn_running(settings=settings, env=env, workers=workers) as server:
            yield server, redis_server


def card_holder() -> dict:
    """A client with an account and a DSC+ card, hashed as the servers hash."""
    with override_settings(PASSWORD_HASHERS=ARGON2):
        return portal_users_seed(count=1)[0]


def password_answer(browser: Browser, username: str, password: str) -> requests.Response:
    page = browser.page("/login/")
    return browser.submit(
        "/login/",
        {
            "csrfmiddlewaretoken": find(CSRF, page.text),
            "username": username,
            "password": password,
            "next": "/",
        },
    )


def sign_in(browser: Browser, card: dict) -> None:
    """The password, then the card's answer to the challenge shown."""
    page = password_answer(browser, card["username"], card["password"]).text
    done = browser.submit(
        "/login/device/",
        {
            "csrfmiddlewaretoken": find(CSRF, page),
            "next": "/",
            "device": find(HIDDEN.format(name="device"), page),
            "challenge": find(HIDDEN.format(name="challenge"), page),
            "response": card_response(card, find(CHALLENGE, page)),
        },
    )
    assert (done.status_code, done.headers["Location"]) == (302, "/")


def withdrawal_review(browser: Browser, amount: str) -> tuple[str, str]:
    """The withdrawal form sent: the approval page's path and the form's idempotency key."""
    form = browser.page("/withdrawals/").text
    key = find(KEY, form)
    reviewed = browser.submit(
        "/withdrawals/",
        {
            "csrfmiddlewaretoken": find(CSRF, form),
            "account": find(r'<select name="account"[^>]*>\s*<option value="([0-9]+)"', form),
            "amount": amount,
            "destination": DESTINATION,
            "device": find(DEVICE_CHOICE, form),
            "idempotency_key": key,
        },
    )
    assert reviewed.status_code == 302, reviewed.text
    return reviewed.headers["Location"], key


def approval_form(browser: Browser, approve_path: str, card: dict) -> dict:
    """What the approval page's form sends, the card's answer filled in."""
    page = browser.page(approve_path).text
    return {
        "csrfmiddlewaretoken": find(CSRF, page),
        "challenge": find(HIDDEN.format(name="challenge"), page),
        "response": card_response(card, find(CHALLENGE, page)),
    }
