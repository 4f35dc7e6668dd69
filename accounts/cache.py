"""Django's Redis cache, answering on while Redis cannot be reached.

What the portal keeps in its cache is either a limit or a copy. The throttles' counters
(accounts.throttling) and the waits between codes (devices.services.sms,
devices.enrolment.services) are limits, counted in Redis so that every server process
agrees on them. Sessions under Django's `cached_db` engine are copies of rows of the
database. Django's RedisCache raises on every operation while Redis is down, which
answered every login with a 500; ResilientRedisCache answers from its FALLBACK instead:

- CACHES["default"] falls back to a local-memory cache of each process: the limits are
  counted per process until Redis returns (what that gives an attacker and why it is
  acceptable: docs/security.md, "While Redis is down");
- CACHES["sessions"] falls back to no cache at all (DummyCache): a session is read from
  the database, never from one process's copy, which another process could neither
  replace nor delete (a logout there would not end it here).

Once an operation finds Redis unreachable, the process sends it nothing for RETRY_AFTER
seconds (a Redis that hangs would cost every request the connection timeout), then lets
one operation try: the first that succeeds ends the outage, so the shared counters resume
by themselves. The start and the end of an outage are logged once per process, and every
operation the fallback answers is counted (`sls_throttle_fallbacks_total`).

A value set, touched or deleted while Redis could not hear it leaves an older copy there
if Redis kept its data (a network fault rather than a restart). The process notes those
keys and deletes them from Redis before its next operation there, so that a session ended
during the outage is not revived from Redis's copy. Counts (add, incr) are not noted: a
count kept in Redis from before the outage still counts attempts that were made.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.module_loading import import_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from accounts.metrics import throttle_fallback_counted

logger = logging.getLogger(__name__)

# What redis-py raises when the server cannot be reached or does not answer in time
# (refused, reset, timed out, still loading its data). Any other error is a fault of the
# call and is raised as usual.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Seconds between two tries of an unreachable Redis, unless the alias sets RETRY_AFTER.
RETRY_AFTER = 5.0
# Unless the alias sets FALLBACK: this process's own memory, with room for the counters of
# an attack (Django's default of 300 entries would let a flood of new names evict them).
FALLBACK = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
# The settings the fallback shares with its alias, so that it makes the same keys and
# keeps values as long.
SHARED_PARAMS = ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")

T = TypeVar("T")


class RedisState:
    """This process's view of the Redis server at one LOCATION, shared by every thread
    and every alias on it: whether it answers, when to try it again, and which keys were
    written while it could not hear them."""

    def __init__(self, location: str) -> None:
        self.name = _without_credentials(location)
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0
        self._missed: set[str] = set()

    def may_try(self, retry_after: float) -> bool:
        """True while Redis answers. During an outage, True once every `retry_after`
        seconds, to one caller, so that no other waits on a dead server meanwhile."""
        if not self._down:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._retry_at:
                return False
            self._retry_at = now + retry_after
            return True

    def failed(self, error: Exception, retry_after: float) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + retry_after
            if self._down:
                return
            self._down = True
        logger.warning(
            "Redis at %s is unreachable (%s: %s). Until it answers, this process counts "
            "the throttles by itself and reads sessions from the database; it tries Redis "
            "again every %g seconds.",
            self.name,
            type(error).__name__,
            error,
            retry_after,
        )

    def answered(self) -> None:
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.info("Redis at %s answers again: the shared counters resume.", self.name)

    def missed_note(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._missed.update(keys)

    def missed_delete(self, client: RedisCacheClient) -> None:
        """Delete from Redis the keys written while it could not hear them; they stay
        noted if it still cannot."""
        if not self._missed:
            return
        with self._lock:
            keys, self._missed = self._missed, set()
        if not keys:
            return
        try:
            client.delete_many(list(keys))
        except UNREACHABLE:
            self.missed_note(keys)
            raise


_states: dict[str, RedisState] = {}
_states_lock = threading.Lock()


def redis_state(location: str) -> RedisState:
    """The one RedisState of this process for `location`. Django makes a cache object per
    thread; what they learn of the server is shared here."""
    with _states_lock:
        return _states.setdefault(location, RedisState(location))


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations the FALLBACK cache answers while Redis is unreachable.
    Besides Django's keys, an alias may set FALLBACK (a cache's BACKEND and OPTIONS) and
    RETRY_AFTER (seconds); OPTIONS go to redis-py as with RedisCache. `clear()` is left to
    Redis alone: emptying Redis is an operator's act that no fallback can stand in for."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        location = server if isinstance(server, str) else ",".join(server)
        self._redis = redis_state(location)
        self._retry_after = float(params.get("RETRY_AFTER", RETRY_AFTER))
        fallback = params.get("FALLBACK", FALLBACK)
        shared = {name: params[name] for name in SHARED_PARAMS if name in params}
        self._fallback: BaseCache = import_string(fallback["BACKEND"])(
            f"sls-redis-fallback:{location}:{params.get('KEY_PREFIX', '')}",
            {**shared, "OPTIONS": fallback.get("OPTIONS", {})},
        )

    def add(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._answer(super().add, self._fallback.add, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._answer(super().get, self._fallback.get, key, default, version)

    def set(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._answer(super().set, self._fallback.set, key, value, timeout, version, writes=[key])

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._answer(
            super().touch, self._fallback.touch, key, timeout, version, writes=[key]
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._answer(super().delete, self._fallback.delete, key, version, writes=[key])

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        return self._answer(super().get_many, self._fallback.get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._answer(super().has_key, self._fallback.has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._answer(super().incr, self._fallback.incr, key, delta, version)

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return self._answer(
            super().set_many, self._fallback.set_many, data, timeout, version, writes=data
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        self._answer(super().delete_many, self._fallback.delete_many, keys, version, writes=keys)

    def _answer(
        self,
        in_redis: Callable[..., T],
        in_fallback: Callable[..., T],
        *args: Any,
        writes: Iterable[Any] = (),
    ) -> T:
        """`in_redis(*args)` unless Redis is unreachable, else `in_fallback(*args)`. The
        last of `args` is always the version, which `writes`' keys are made with."""
        redis = self._redis
        if redis.may_try(self._retry_after):
            try:
                redis.missed_delete(self._cache)
                answer = in_redis(*args)
            except UNREACHABLE as error:
                redis.failed(error, self._retry_after)
            except ValueError:
                # Redis answered that it has no such count (incr): it is reachable.
                redis.answered()
                raise
            else:
                redis.answered()
                return answer
        version = args[-1]
        redis.missed_note(self.make_key(key, version=version) for key in writes)
        throttle_fallback_counted()
        return in_fallback(*args)


def _without_credentials(location: str) -> str:
    """The servers of LOCATION for a log line: host, port and database, never the user
    name or password a URL may carry."""
    servers = []
    for url in location.replace(";", ",").split(","):
        parts = urlsplit(url)
        if parts.hostname is None:  # unix:///run/redis.sock
            servers.append(parts.path)
        else:
            servers.append(f"{parts.hostname}:{parts.port or 6379}{parts.path}")
    return ",".join(servers)
