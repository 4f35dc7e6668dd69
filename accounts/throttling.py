"""Throttles: how many attempts a client IP address and a user name may make in a window.

Counters live in Django's cache, Redis when REDIS_URL is set, so every server process
counts the same attempts: `cache.add` starts a window's counter and `cache.incr` counts in
it, both atomic on Redis. While Redis cannot be reached, each process counts by itself
(accounts.cache) and the L3 lockout, in the database, still holds. Windows are fixed (one
counter per scope, key and window), which cannot be gamed by more than twice the limit
across a window's edge; an attempt counts with `incr` alone once its window's counter
exists. User names are hashed, keyed with
SECRET_KEY, before they become keys: a key reveals no name, and a name that matches nobody
is counted like one that exists (L2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts import conf

KEY_PREFIX = "sls-throttle"


@dataclass(frozen=True)
class Verdict:
    """Whether the attempt may go ahead; if not, how many seconds until it may."""

    allowed: bool
    retry_after: int = 0


def throttle_limit(name: str) -> tuple[int, int]:
    """(attempts, window in seconds) for `name`, from settings over conf's defaults."""
    overrides = getattr(settings, "SLS_THROTTLE_LIMITS", {})
    return overrides.get(name, conf.THROTTLE_LIMITS[name])


def throttle_hit(*, scope: str, ip_address: str | None, subject: str) -> Verdict:
    """Count one attempt of `scope` ("password", "second_factor", "activation") from
    `ip_address` on `subject` (a typed user name, or a user's id). Both counters count
    every attempt, refused or not, so hammering does not help; the verdict is the longer
    of the two waits."""
    waits = [
        _count(name=f"{scope}_ip", value=ip_address or "unknown"),
        _count(name=f"{scope}_user", value=subject),
    ]
    retry_after = max(waits)
    return Verdict(allowed=retry_after == 0, retry_after=retry_after)


def _count(*, name: str, value: str) -> int:
    """Count in the current window of `name`; 0 if within the limit, else the seconds
    until the window ends (at least 1)."""
    limit, window = throttle_limit(name)
    now = timezone.now().timestamp()
    window_index = int(now // window)
    digest = salted_hmac(KEY_PREFIX, f"{name}:{value}", algorithm="sha256").hexdigest()
    key = f"{KEY_PREFIX}:{name}:{digest}:{window_index}"
    try:
        count = cache.incr(key)
    except ValueError:
        # The window's first attempt opens its counter, unless a concurrent one just did.
        count = 1 if cache.add(key, 1, timeout=window + 1) else cache.incr(key)
    if count <= limit:
        return 0
    return max(1, math.ceil((window_index + 1) * window - now))
