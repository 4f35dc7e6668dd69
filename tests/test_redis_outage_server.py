"""Redis stopped, frozen and back under a running process (issue 15), on a Redis server of
each test's own (tests/redis_server.py): the cache answers from its fallback meanwhile,
leaves Redis alone until RETRY_AFTER has passed, then resumes counting in Redis by itself;
a hung Redis costs one timeout, not one per operation; and a session ended while Redis
could not hear it is not revived from Redis's copy when it answers again."""

from __future__ import annotations

import logging
import time

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_DB_PREFIX
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.urls import reverse

from accounts import cache as resilient_cache
from tests.login_helpers import full_login, is_logged_in
from tests.redis_server import RedisServer, redis_server_running
from tests.test_redis_outage import outage_records, resilient_caches

pytestmark = pytest.mark.django_db

# Short, so that each test waits a second or two at most.
RETRY_AFTER = 0.5
SOCKET_TIMEOUT = 0.2


@pytest.fixture
def redis_server(settings, monkeypatch):
    """The portal's aliases on a Redis of the test's own, met afresh by this process."""
    monkeypatch.setattr(resilient_cache, "_states", {})
    with redis_server_running() as server:
        settings.CACHES = resilient_caches(
            server.url,
            KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
            RETRY_AFTER=RETRY_AFTER,
            OPTIONS={"socket_connect_timeout": SOCKET_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT},
        )
        yield server


def in_redis(server: RedisServer, key: str) -> int | None:
    """The count stored in Redis itself under the cache's key for `key`."""
    value = server.client().get(caches["default"].make_key(key))
    return None if value is None else int(value)


def test_counting_resumes_in_redis_by_itself_once_it_answers_again(redis_server, caplog):
    cache = caches["default"]
    with caplog.at_level(logging.INFO, logger="accounts.cache"):
        cache.add("attempts", 0)
        assert cache.incr("attempts") == 1
        assert in_redis(redis_server, "attempts") == 1

        redis_server.stop()
        assert cache.add("attempts", 0)
        assert cache.incr("attempts") == 1

        redis_server.start()
        # Within RETRY_AFTER of the failure, the process still counts by itself and Redis
        # (started empty, like a restarted server without persistence) sees nothing.
        assert cache.incr("attempts") == 2
        assert in_redis(redis_server, "attempts") is None

        time.sleep(RETRY_AFTER)
        # As a throttle counts: Redis answers that it has no such count, which is an
        # answer all the same, and the count starts there.
        with pytest.raises(ValueError):
            cache.incr("attempts")
        assert cache.add("attempts", 0)
        assert cache.incr("attempts") == 1
        assert cache.incr("attempts") == 2
        assert in_redis(redis_server, "attempts") == 2

    assert [(r.levelno, r.getMessage().split(" (")[0]) for r in outage_records(caplog)] == [
        (logging.WARNING, f"Redis at 127.0.0.1:{redis_server.port}/0 is unreachable"),
        (
            logging.INFO,
            f"Redis at 127.0.0.1:{redis_server.port}/0 answers again: the shared counters resume.",
        ),
    ]


def test_a_hung_redis_costs_one_timeout_then_nothing_until_the_next_try(redis_server, caplog):
    cache = caches["default"]
    cache.set("wait", 1)

    with redis_server.frozen(), caplog.at_level(logging.WARNING, logger="accounts.cache"):
        started = time.monotonic()
        assert cache.get("wait") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):
            cache.add("attempts", 0)
        rest = time.monotonic() - started

    assert SOCKET_TIMEOUT <= first < SOCKET_TIMEOUT + 1
    assert rest < 5 * SOCKET_TIMEOUT
    (record,) = outage_records(caplog)
    assert "(TimeoutError: " in record.getMessage()

    time.sleep(RETRY_AFTER)
    assert cache.get("wait") == 1


def test_a_session_ended_while_redis_could_not_hear_it_is_not_revived(
    redis_server, settings, user, password
):
    """Frozen, Redis keeps its data, the session's copy too; the logout reaches the
    database only. Once Redis answers, the process deletes that copy before it reads
    anything there, so the old cookie is a stranger."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    sessions = caches["sessions"]
    client = Client()
    full_login(client, user.username, password)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    copy = f"{CACHED_DB_PREFIX}{cookie}"
    assert RedisCache.get(sessions, copy) is not None

    with redis_server.frozen():
        assert client.post(reverse("accounts:logout")).status_code == 302

    assert RedisCache.get(sessions, copy) is not None
    time.sleep(RETRY_AFTER)
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert RedisCache.get(sessions, copy) is None
    assert not is_logged_in(client)
