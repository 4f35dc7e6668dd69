"""What an operator's tools call (docs/operations.md): `/healthz`, `/readyz` and `/metrics`.

A middleware near the top of the stack answers them, before the HTTPS redirect, the host
check, sessions, CSRF and the login requirement: a load balancer's probe or a Prometheus
scraper talks to one worker directly, over plain HTTP and by its address, and must neither
be redirected nor create a session. Any other request, and a request for /metrics from an
address that may not scrape, goes on through the stack like any page (to the portal's 404).
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
# Headers a reverse proxy adds. A request carrying one came through the proxy, from the
# outside, whatever REMOTE_ADDR says (a proxy on the same machine connects from 127.0.0.1):
# a scraper reaches the worker directly, so /metrics is never answered to such a request.
PROXY_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_REAL_IP",
)
READY_PROBE_KEY = "sls-readyz"

OK = "ok"
UNREACHABLE = "unreachable"
UNAPPLIED = "unapplied"
NOT_CHECKED = "not_checked"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OperationsMiddleware:
    """Right after the request log in MIDDLEWARE, so that probes and scrapes are logged
    with their request id like every other request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            path = request.path_info
            if path == HEALTH_PATH:
                # The process is up and serving: nothing else is touched, so a database or
                # Redis outage never makes a load balancer restart healthy workers.
                return _uncached(HttpResponse("ok\n", content_type="text/plain"))
            if path == READY_PATH:
                return readiness_response()
            if path == METRICS_PATH and may_scrape(request):
                return _uncached(ExportToDjangoView(request))
        return self.get_response(request)


def readiness_response() -> HttpResponse:
    """200 when every check passes, else 503; the body names each check's state and
    nothing else (no address, no error text: those go to the log)."""
    checks = readiness_checks()
    ready = all(state == OK for state in checks.values())
    body = json.dumps({"ready": ready, "checks": checks})
    return _uncached(
        HttpResponse(body, status=200 if ready else 503, content_type="application/json")
    )


def readiness_checks() -> dict[str, str]:
    """The database answers a query, the migrations this code expects are all applied,
    and Redis answers when the cache is Redis. One query while all is well."""
    database = _database_state()
    checks = {
        "database": database,
        "migrations": _migrations_state() if database == OK else NOT_CHECKED,
    }
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        checks["redis"] = _redis_state(cache)
    return checks


class MigrationsApplied:
    """Whether the database holds every migration of the code, remembered once true.

    Working it out reads every migration module from disk and the migration table, too much
    for a probe every few seconds; and once applied, migrations stay applied for as long as
    this code runs (a new migration comes with new code, so a new process). Until then it
    is worked out afresh on each call, so a worker started before `migrate` turns ready as
    soon as `migrate` has run."""

    def __init__(self) -> None:
        self.confirmed = False

    def __call__(self) -> bool:
        if not self.confirmed:
            executor = MigrationExecutor(connection)
            self.confirmed = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        return self.confirmed


migrations_applied = MigrationsApplied()


def may_scrape(request: HttpRequest) -> bool:
    """From an address in METRICS_ALLOWED_ADDRESSES, and not through a reverse proxy."""
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in allowed_networks())


def allowed_networks() -> list[Network]:
    """METRICS_ALLOWED_ADDRESSES: addresses (127.0.0.1, ::1) or networks (10.0.0.0/8),
    checked when the settings load (sls_portal.settings.env.env_networks)."""
    return [
        ipaddress.ip_network(entry, strict=False) for entry in settings.METRICS_ALLOWED_ADDRESSES
    ]


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Not ready: the database is unreachable (%s: %s)", _name(error), error)
        return UNREACHABLE
    return OK


def _migrations_state() -> str:
    try:
        applied = migrations_applied()
    except DatabaseError as error:
        logger.warning("Not ready: the migrations could not be read (%s)", _name(error))
        return NOT_CHECKED
    if not applied:
        logger.warning("Not ready: the database lacks migrations; run `manage.py migrate`")
        return UNAPPLIED
    return OK


def _redis_state(cache: RedisCache) -> str:
    """Asked of Redis itself: RedisCache's own `get`, past the fallback that answers for
    an unreachable Redis (accounts.cache), so that the outage shows here."""
    try:
        RedisCache.get(cache, READY_PROBE_KEY)
    except Exception as error:  # redis-py's errors are its own, and any of them means "no"
        logger.warning("Not ready: Redis is unreachable (%s: %s)", _name(error), error)
        return UNREACHABLE
    return OK


def _name(error: Exception) -> str:
    return type(error).__name__


def _uncached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
