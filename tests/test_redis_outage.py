"""Redis unreachable (issue 15), in this process: the cache is the portal's own
(accounts.cache) on a port where nothing listens. Logins on both channels and withdrawals
go through; the throttles count in the process and still refuse past their limit; the L3
lockout, kept in the database, still locks; sessions are read from the database; the
outage is logged once and each answer of the fallback counted; /readyz still says that
Redis is unreachable. Redis stopped, frozen and back under a running process:
tests/test_redis_outage_server.py."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from prometheus_client import REGISTRY

from accounts import cache as resilient_cache
from accounts import conf
from accounts.models import AuditEvent, AuditEventType
from bench.server import free_port
from devices.gateways.locmem import sent
from tests.accounts.test_lockout_L3 import INVALID
from tests.devices.conftest import make_holder
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import (
    device_page,
    full_login,
    is_logged_in,
    login_error,
    post_login,
)
from tests.trading.api import card_login, card_reply, post, token_of
from tests.withdrawals.helpers import DESTINATION
from tests.withdrawals.test_pages import approve, review_post
from withdrawals.models import Withdrawal

pytestmark = pytest.mark.django_db

RESILIENT = "accounts.cache.ResilientRedisCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"
IP_LIMIT, WINDOW = conf.THROTTLE_LIMITS["password_ip"]
START = dt.datetime(2026, 7, 1, 9, 0, 10, tzinfo=dt.UTC)


def resilient_caches(location: str, **params: object) -> dict[str, dict[str, object]]:
    """The aliases as sls_portal.settings.base sets them when REDIS_URL is set."""
    return {
        "default": {"BACKEND": RESILIENT, "LOCATION": location, **params},
        "sessions": {
            "BACKEND": RESILIENT,
            "LOCATION": location,
            "FALLBACK": {"BACKEND": DUMMY},
            **params,
        },
    }


@pytest.fixture
def redis_down(settings, monkeypatch) -> str:
    """Every alias on a Redis that refuses connections; this process has not met that
    server yet, as a fresh worker has not."""
    monkeypatch.setattr(resilient_cache, "_states", {})
    location = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = resilient_caches(
        location, KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"]
    )
    return location


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def fallbacks() -> float:
    return REGISTRY.get_sample_value("sls_throttle_fallbacks_total") or 0.0


def outage_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "accounts.cache"]


def test_portal_login_completes_while_redis_is_down(redis_down, user, password):
    client = Client()

    response = full_login(client, user.username, password)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_portal_withdrawal_goes_through_while_redis_is_down(redis_down, clock):
    user = make_holder("scc")
    client = Client()
    full_login(client, user.username, DEFAULT_PASSWORD)

    _, answered = approve(client, review_post(client, user, "1500.00"))

    assert answered.status_code == 302
    assert Withdrawal.objects.get().amount == Decimal("1500.00")


def test_trading_login_and_withdrawal_complete_while_redis_is_down(redis_down, clock):
    user = make_holder("scc")
    client = Client()
    token = token_of(card_login(client, user.username, DEFAULT_PASSWORD))
    intent = post(
        client, "/withdrawals/intents", {"amount": "1000.00", "destination": DESTINATION}, token
    ).json()

    response = post(
        client,
        "/withdrawals",
        {
            "intent_token": intent["intent_token"],
            "challenge_id": intent["challenge_id"],
            "response": card_reply(intent),
            "amount": intent["amount"],
            "destination": DESTINATION,
            "idempotency_key": str(uuid.uuid4()),
        },
        token,
    )

    assert response.status_code == 201, response.content
    assert Withdrawal.objects.get().amount == Decimal("1000.00")


def test_throttle_still_refuses_past_its_limit_within_the_process(redis_down, clock):
    client = Client(REMOTE_ADDR="10.0.0.1")

    statuses = [
        post_login(client, f"nobody{n}", "wrong-password").status_code for n in range(IP_LIMIT + 1)
    ]

    assert statuses == [200] * IP_LIMIT + [429]


def test_L3_lockout_still_locks_after_ten_failures(redis_down, clock, user, password):
    client = Client()
    for _ in range(conf.LOCKOUT_THRESHOLD):
        assert login_error(post_login(client, user.username, "wrong-password")) == INVALID

    response = post_login(client, user.username, password)

    assert login_error(response) == INVALID
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOCKOUT_STARTED).count() == 1


def test_sms_resend_still_waits_its_interval(redis_down):
    user = UserFactory(device="sms")
    client = Client()
    post_login(client, user.username, DEFAULT_PASSWORD)
    device_page(client)
    client.post(reverse("devices:login_device"), {"resend": "1"})

    page = client.post(reverse("devices:login_device"), {"resend": "1"})

    assert b"Please wait" in page.content
    assert len(sent) == 2


def test_outage_is_logged_once_and_each_fallback_counted(redis_down, user, password, caplog):
    before = fallbacks()

    with caplog.at_level(logging.INFO, logger="accounts.cache"):
        for _ in range(3):
            full_login(Client(), user.username, password)

    (record,) = outage_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(
        f"Redis at 127.0.0.1:{redis_down.split(':')[-1]} is unreachable (ConnectionError: "
    )
    # Each login counts its password and device steps per address and per user (at least
    # four operations), and more at a window's first attempt.
    assert fallbacks() - before >= 3 * 4


def test_outage_log_never_shows_the_password_of_redis_url(settings, monkeypatch, caplog):
    monkeypatch.setattr(resilient_cache, "_states", {})
    port = free_port()
    settings.CACHES = resilient_caches(f"redis://portal:s3cret-pass@127.0.0.1:{port}/2")

    with caplog.at_level(logging.WARNING, logger="accounts.cache"):
        post_login(Client(), "someone", "wrong-password")

    (record,) = outage_records(caplog)
    assert f"Redis at 127.0.0.1:{port}/2 is unreachable" in record.getMessage()
    assert "s3cret" not in record.getMessage()
    assert "portal" not in record.getMessage().split(" is unreachable")[0]


@pytest.fixture
def cached_db_sessions(settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_sessions_are_read_from_the_database_alone_while_redis_is_down(
    redis_down, cached_db_sessions, user, password
):
    """A session ended by another process (its row deleted there, Redis out of reach) is
    not served from a copy that this process kept."""
    client = Client()
    full_login(client, user.username, password)
    assert is_logged_in(client)

    Session.objects.filter(session_key=client.session.session_key).delete()
    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_ends_the_session_while_redis_is_down(
    redis_down, cached_db_sessions, settings, user, password
):
    client = Client()
    full_login(client, user.username, password)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(reverse("accounts:logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
    assert not is_logged_in(client)


def test_readyz_still_names_redis_while_the_fallback_answers(redis_down, client, user, password):
    full_login(Client(), user.username, password)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "unreachable"
