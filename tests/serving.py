"""Real server processes for tests: gunicorn with the `make serve` settings over the test
database and Redis, and a requests session that plays the browser."""

from __future__ import annotations

import re
import secrets

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import override_settings

from devices.ocra import ocra_response
from tests.conftest import IN_CI

ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = r'<input type="hidden" name="{name}" value="([^"]*)"[^>]*id="id_{name}"'


def server_env() -> dict[str, str]:
    """What `make serve` sets, pointed at this test's database and Redis; notices' e-mails
    go nowhere."""
    reason = ""
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL shared by the servers (set DATABASE_URL=postgres://...)"
    elif not settings.REDIS_URL:
        reason = "needs Redis shared by the servers (set REDIS_URL=redis://...)"
    if reason and IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    if reason:
        pytest.skip(reason)
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return {
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "SLS_LOCAL_HTTP": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEVICE_SECRET_KEYS": ",".join(settings.DEVICE_SECRET_KEYS),
        "DEVICE_CELL_HMAC_KEY": settings.DEVICE_CELL_HMAC_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DEBUG": "false",
        # The test settings turn the simulators on in this process's environment, which
        # the servers inherit; the production settings refuse them, as `make serve` has none.
        "SLS_SIMULATORS": "false",
    }


def argon2_password(password: str) -> str:
    """The servers run the production hashers, not the tests' fast one."""
    with override_settings(PASSWORD_HASHERS=ARGON2):
        return make_password(password)


def find(pattern: str | re.Pattern, page: str) -> str:
    found = re.search(pattern, page)
    assert found is not None, f"not on the page: {pattern}"
    return found.group(1)


def password_step(browser: requests.Session, url: str, username: str, password: str):
    page = browser.get(f"{url}/login/")
    return browser.post(
        f"{url}/login/",
        {
            "csrfmiddlewaretoken": find(CSRF, page.text),
            "username": username,
            "password": password,
            "next": "/",
        },
        allow_redirects=False,
    )


def card_response(card: dict, challenge: str) -> str:
    key = bytes.fromhex(card["key"])
    return ocra_response(suite=card["suite"], key=key, challenge=challenge, pin=card["pin"])
