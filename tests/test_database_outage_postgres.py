"""PostgreSQL drops its connections or refuses new ones, under gunicorn with the `make
serve` settings (issue 15). A worker keeps its connection for a minute (CONN_MAX_AGE); a
connection the server ended is replaced before the next request uses it
(CONN_HEALTH_CHECKS), so a restart or a failover costs no request. While the database
refuses connections, pages answer 503 in the portal's layout and the trading API its JSON,
both with Retry-After; when it accepts them again, service resumes without a restart.

The outage is made on the test's own database only: its backends are terminated with
pg_terminate_backend, and ALLOW_CONNECTIONS is turned off and on again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import requests
from django.db import connection
from django.test import override_settings
from psycopg import sql

from accounts.outage import DATABASE_RETRY_AFTER
from accounts.services.login import INVALID_CREDENTIALS
from bench.seed import portal_users_seed
from bench.server import Server, gunicorn_running
from tests.serving import ARGON2, CSRF, HIDDEN, card_response, find, password_step, server_env

# Under `make test`'s parallel workers the real-server tests run one at a time: their
# gunicorn processes share Redis without a per-test key prefix (the per-address throttles).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("servers"),
]

CHALLENGE = re.compile(r'data-testid="challenge-value">([^<]+)<')
# All of the tests' requests come from 127.0.0.1.
SERVER_LIMITS = "password_ip=100000/300,second_factor_ip=100000/300"
TIMEOUT = 30


@pytest.fixture(scope="module")
def server(django_db_setup) -> Iterator[Server]:
    """One worker, so that every request meets the connection the previous one kept."""
    env = {**server_env(), "SLS_THROTTLE_LIMITS": SERVER_LIMITS}
    with gunicorn_running(settings="sls_portal.settings.serve", env=env, workers=1) as started:
        yield started


@pytest.fixture
def signed_in(server: Server) -> requests.Session:
    """A browser signed in to the portal on the server, with a DSC+."""
    with override_settings(PASSWORD_HASHERS=ARGON2):
        card = portal_users_seed(count=1)[0]
    browser = requests.Session()
    page = password_step(browser, server.url, card["username"], card["password"]).text
    done = browser.post(
        f"{server.url}/login/device/",
        {
            "csrfmiddlewaretoken": find(CSRF, page),
            "next": "/",
            "device": find(HIDDEN.format(name="device"), page),
            "challenge": find(HIDDEN.format(name="challenge"), page),
            "response": card_response(card, find(CHALLENGE, page)),
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert done.status_code == 302
    return browser


def backends_terminate() -> int:
    """End every other connection to the test database, as a restart or failover does:
    the server's are among them. How many were ended."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.rowcount


def connections_allow(allowed: bool) -> None:
    """PostgreSQL will not change this for the database a session is connected to: said
    from its maintenance database."""
    params = connection.settings_dict
    statement = sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
        sql.Identifier(params["NAME"]), sql.Literal(allowed)
    )
    with psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as maintenance:
        maintenance.execute(statement)


@contextmanager
def database_refusing_connections() -> Iterator[None]:
    """The server's connections are ended and new ones refused; this test's own stays."""
    connections_allow(False)
    try:
        backends_terminate()
        yield
    finally:
        connections_allow(True)


def api_login(server: Server, username: str) -> requests.Response:
    return requests.post(
        f"{server.url}/api/trading/login",
        json={"username": username, "password": "a-guess-at-it"},
        timeout=TIMEOUT,
    )


def test_a_dropped_connection_costs_no_request(server, signed_in):
    """Each request finds the connection its predecessor kept ended by the server."""
    assert signed_in.get(f"{server.url}/", timeout=TIMEOUT).status_code == 200

    assert backends_terminate() >= 1
    assert signed_in.get(f"{server.url}/", timeout=TIMEOUT).status_code == 200
    assert backends_terminate() >= 1
    call = api_login(server, "nobody")

    assert (call.status_code, call.json()["error"]) == (401, "invalid_credentials")


def test_while_connections_are_refused_pages_and_calls_answer_503_then_resume(server, signed_in):
    anonymous = requests.Session()
    login_page = anonymous.get(f"{server.url}/login/", timeout=TIMEOUT).text

    with database_refusing_connections():
        dashboard = signed_in.get(f"{server.url}/", timeout=TIMEOUT)
        login = anonymous.post(
            f"{server.url}/login/",
            {
                "csrfmiddlewaretoken": find(CSRF, login_page),
                "username": "nobody",
                "password": "a-guess-at-it",
            },
            timeout=TIMEOUT,
        )
        call = api_login(server, "nobody")

    for page in (dashboard, login):
        assert page.status_code == 503
        assert page.headers["Retry-After"] == str(DATABASE_RETRY_AFTER)
        assert '<header class="site-header">' in page.text
        assert "temporarily unavailable; nothing was changed" in page.text
        assert "Traceback" not in page.text
    assert (call.status_code, call.json()["error"]) == (503, "unavailable")
    assert call.headers["Retry-After"] == str(DATABASE_RETRY_AFTER)

    assert signed_in.get(f"{server.url}/", timeout=TIMEOUT).status_code == 200
    assert INVALID_CREDENTIALS in password_step(anonymous, server.url, "nobody", "a-guess").text
    assert api_login(server, "nobody").status_code == 401
