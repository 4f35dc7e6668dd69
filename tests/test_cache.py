"""The cache is Redis when REDIS_URL is set (as in CI's PostgreSQL pass), so several server
processes share it; without it, a local memory cache."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache


def test_cache_backend_follows_redis_url():
    backends = {alias: params["BACKEND"] for alias, params in settings.CACHES.items()}
    if os.environ.get("REDIS_URL"):
        assert backends == {
            "default": "accounts.cache.ResilientRedisCache",
            "sessions": "accounts.cache.ResilientRedisCache",
        }
    else:
        assert backends == {
            "default": "django.core.cache.backends.locmem.LocMemCache",
            "sessions": "django.core.cache.backends.locmem.LocMemCache",
        }


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")
def test_sessions_cache_falls_back_to_no_copy_while_redis_is_down():
    """A worker's own copy of a session could outlive a logout served by another worker:
    while Redis is unreachable, sessions are read from the database alone (accounts.cache)."""
    assert settings.SESSION_CACHE_ALIAS == "sessions"
    assert settings.CACHES["sessions"]["FALLBACK"] == {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    }
    assert "FALLBACK" not in settings.CACHES["default"]


def test_cache_round_trip():
    key = f"sls-test-{uuid.uuid4()}"
    cache.set(key, {"n": 1}, timeout=30)

    assert cache.get(key) == {"n": 1}
    cache.delete(key)
