"""The operator's endpoints (portal.operations): /healthz says the process is up and touches
nothing; /readyz checks the database, the migrations and Redis and names what failed;
/metrics answers only the addresses allowed, directly, and is a 404 for everyone else. None
of them is redirected to HTTPS, checks the Host header, asks for a login or makes a session.
"""

from __future__ import annotations

import os
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor

from bench.server import free_port
from portal import operations
from sls_portal.settings.env import env_networks

pytestmark = pytest.mark.django_db

REDIS = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture(autouse=True)
def _migrations_not_yet_confirmed(monkeypatch):
    """Each test starts as a fresh worker does: the migrations not yet looked at."""
    monkeypatch.setattr(operations.migrations_applied, "confirmed", False)


@pytest.fixture
def database_down():
    error = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=error):
        yield


def redis_cache(settings, url: str) -> None:
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": url}}


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_healthz_stays_ok_while_the_database_is_down(client, database_down):
    assert client.get("/healthz").status_code == 200


def test_readyz_is_ready_with_one_query_once_the_migrations_are_confirmed(
    client, django_assert_num_queries
):
    first = client.get("/readyz")
    with django_assert_num_queries(1):
        second = client.get("/readyz")

    for response in (first, second):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json()["ready"] is True
        assert response.json()["checks"]["database"] == "ok"
        assert response.json()["checks"]["migrations"] == "ok"


def test_readyz_503_names_the_database_when_it_is_unreachable(client, database_down):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["ready"] is False
    assert response.json()["checks"]["database"] == "unreachable"
    assert response.json()["checks"]["migrations"] == "not_checked"
    assert b"127.0.0.1" not in response.content


def test_readyz_503_names_redis_when_it_is_unreachable(client, settings):
    redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "redis": "unreachable",
    }


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")
def test_readyz_checks_redis_when_the_cache_is_redis(client, settings):
    redis_cache(settings, os.environ["REDIS_URL"])

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "ok"


def test_readyz_has_no_redis_check_when_the_cache_is_not_redis(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert "redis" not in client.get("/readyz").json()["checks"]


def test_readyz_503_while_a_migration_is_unapplied_then_ready_once_applied(client):
    pending = [(mock.Mock(name="0099_new_column"), False)]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=pending):
        unready = client.get("/readyz")
    ready = client.get("/readyz")

    assert unready.status_code == 503
    assert unready.json()["checks"]["migrations"] == "unapplied"
    assert ready.status_code == 200


def test_health_paths_skip_the_https_redirect_and_the_host_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    probe = {"HTTP_HOST": "10.0.0.7:8000"}

    assert client.get("/login/").status_code == 301
    assert client.get("/login/", secure=True, **probe).status_code == 400
    assert client.get("/healthz", **probe).status_code == 200
    assert client.get("/readyz", **probe).status_code == 200


def test_health_paths_neither_save_a_session_nor_set_a_cookie(client, user):
    """Even with a signed-in session's cookie, which every page saves again."""
    client.force_login(user)
    sessions = list(Session.objects.values_list("session_key", "expire_date"))

    responses = [client.get(path) for path in ("/healthz", "/readyz", "/metrics")]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert all(not response.cookies for response in responses)
    assert list(Session.objects.values_list("session_key", "expire_date")) == sessions
    assert client.get("/login/").cookies  # a page does save it


def test_metrics_answers_the_local_scraper_with_the_portals_counters(client):
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'sls_logins_total{channel="portal",outcome="succeeded"}' in body
    assert "sls_throttle_fallbacks_total" in body
    assert "django_http_requests_total_by_method_total" in body


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.8", "::ffff:8.8.8.8", "not-an-ip"])
def test_metrics_is_a_404_from_any_other_address(client, address):
    response = client.get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 404
    assert b"sls_logins_total" not in response.content


@pytest.mark.parametrize(
    "header", ["HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP", "HTTP_FORWARDED"]
)
def test_metrics_is_a_404_through_a_proxy_on_the_same_machine(client, header):
    """A proxy on this machine connects from 127.0.0.1: what it forwards is not a scrape."""
    assert client.get("/metrics", **{header: "203.0.113.9"}).status_code == 404


def test_metrics_addresses_and_networks_come_from_the_setting(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8", "2001:db8::5"]

    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_a_bad_metrics_address_stops_the_start(monkeypatch):
    monkeypatch.setenv("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,10.0.0.300")

    with pytest.raises(ImproperlyConfigured, match="10.0.0.300"):
        env_networks("METRICS_ALLOWED_ADDRESSES", "127.0.0.1")


def test_only_get_and_head_are_answered(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code != 200
