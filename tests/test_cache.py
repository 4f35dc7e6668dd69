"""The cache is Redis when REDIS_URL is set (as in CI's PostgreSQL pass), so several server
processes share it; without it, a local memory cache."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.cache import cache


def test_cache_backend_follows_redis_url():
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_round_trip():
    key = f"sls-test-{uuid.uuid4()}"
    cache.set(key, {"n": 1}, timeout=30)

    assert cache.get(key) == {"n": 1}
    cache.delete(key)
