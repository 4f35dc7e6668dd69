"""Two separate server processes on two ports over one PostgreSQL database and one Redis:
a login begun on one completes on the other, because sessions, challenges and push
requests are rows in the shared database, and the lockout (L3) counts attempts made on
both. Nothing about a login lives in a worker's memory."""

from __future__ import annotations

import re
import secrets

import pytest
import requests
from django.test import override_settings
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, User
from accounts.services.lockout import lockout_is_active
from bench.seed import portal_users_seed
from bench.server import Server, gunicorn_running
from devices.ib_key.push import push_decide
from tests.devices.ib_key.app import install_app
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.serving import (
    ARGON2,
    CSRF,
    HIDDEN,
    argon2_password,
    card_response,
    find,
    password_step,
    server_env,
)

# Under `make test`'s parallel workers the real-server tests run one at a time: their
# gunicorn processes share Redis without a per-test key prefix (the per-address throttles).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("servers"),
]

CHALLENGE = re.compile(r'data-testid="challenge-value">([^<]+)<')
PUSH_NUMBER = re.compile(r'data-testid="push-number"[^>]*>([0-9]+)<')
# A per-name limit small enough to reach within the test, above the ten failures of L3;
# all of the tests' requests come from 127.0.0.1, so the per-address limit is raised.
NAME_LIMIT = 12
SERVER_LIMITS = f"password_user={NAME_LIMIT}/300,password_ip=100000/300"
PUSH_ID = re.compile(r'<input type="hidden" name="push" value="([0-9]+)"')


@pytest.fixture(scope="module")
def servers(django_db_setup):
    """Started once for the module over the test database; each test brings its own rows."""
    env = {**server_env(), "SLS_THROTTLE_LIMITS": SERVER_LIMITS}
    settings = "sls_portal.settings.serve"
    with (
        gunicorn_running(settings=settings, env=env, workers=1) as one,
        gunicorn_running(settings=settings, env=env, workers=1) as two,
    ):
        yield one, two


@pytest.fixture
def card(db) -> dict:
    with override_settings(PASSWORD_HASHERS=ARGON2):
        return portal_users_seed(count=1)[0]


def is_portal_open(browser: requests.Session, server: Server) -> bool:
    return browser.get(f"{server.url}/", allow_redirects=False).status_code == 200


def test_L5_login_begun_on_one_server_completes_on_the_other(servers, card):
    one, two = servers
    browser = requests.Session()

    password = password_step(browser, one.url, card["username"], card["password"])
    assert password.status_code == 200
    page = password.text
    answer = browser.post(
        f"{two.url}/login/device/",
        {
            "csrfmiddlewaretoken": find(CSRF, page),
            "next": "/",
            "device": find(HIDDEN.format(name="device"), page),
            "challenge": find(HIDDEN.format(name="challenge"), page),
            "response": card_response(card, find(CHALLENGE, page)),
        },
        allow_redirects=False,
    )

    assert (answer.status_code, answer.headers["Location"]) == (302, "/")
    assert is_portal_open(browser, two)
    assert is_portal_open(browser, one)


def test_K2_push_raised_on_one_server_is_approved_and_completed_on_the_other(servers):
    one, two = servers
    user = UserFactory(device=False)
    user.password = argon2_password(DEFAULT_PASSWORD)
    user.save(update_fields=["password"])
    app = install_app(user)
    browser = requests.Session()

    page = password_step(browser, one.url, user.username, DEFAULT_PASSWORD).text
    push_id, number = int(find(PUSH_ID, page)), find(PUSH_NUMBER, page)
    push_decide(
        push_id=push_id,
        installation_id=app.installation_id,
        typed_number=number,
        decision="approve",
        method="pin",
        signature=app.sign(push_id, number),
        client=SYSTEM,
    )
    status = browser.get(f"{two.url}/login/device/push-status/", params={"push": push_id})
    done = browser.post(
        f"{two.url}/login/device/",
        {"csrfmiddlewaretoken": find(CSRF, page), "next": "/", "push": push_id},
        allow_redirects=False,
    )

    assert status.json() == {"status": "approved"}
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert is_portal_open(browser, one)


def test_L3_failed_attempts_on_both_servers_count_towards_one_lockout(servers, card):
    one, two = servers
    browser = requests.Session()

    for server in (one, two):
        for _ in range(5):
            wrong = password_step(browser, server.url, card["username"], "wrong-password-1")
            assert wrong.status_code == 200
    right = password_step(browser, two.url, card["username"], card["password"])

    user = User.objects.get(pk=card["user_id"])
    assert lockout_is_active(user=user, at=timezone.now())
    assert right.status_code == 200
    assert AuditEvent.objects.filter(
        subject=user, event_type=AuditEventType.LOGIN_REFUSED_LOCKED
    ).exists()


def test_L2_password_throttle_counts_the_attempts_on_both_servers(servers):
    """The counters live in the shared Redis: half the attempts on each server reach the
    per-name limit together. The name matches nobody, and is throttled all the same."""
    one, two = servers
    browser = requests.Session()
    name = f"nobody{secrets.token_hex(4)}"

    answers = [
        password_step(browser, server.url, name, "a-guess").status_code
        for _ in range(NAME_LIMIT // 2)
        for server in (one, two)
    ]
    refused = password_step(browser, two.url, name, "a-guess")

    assert answers == [200] * NAME_LIMIT
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
