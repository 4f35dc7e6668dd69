"""Shared fixtures. PostgreSQL and browser tests skip outside CI only, and say why."""

from __future__ import annotations

import os
import uuid
from importlib import import_module
from types import ModuleType

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from hypothesis import HealthCheck, settings

from accounts.models import User
from accounts.roles import SUPPORT_GROUP, support_group_sync
from devices.gateways.locmem import sent
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"

# The property-based tests post to real views through the test client, so each example is
# a few requests: few examples, no per-example deadline, and in CI a fixed seed so a run can
# be repeated. Examples share the test's database, which the tests account for.
settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))


@pytest.fixture(autouse=True)
def _empty_message_gateway() -> None:
    sent.clear()


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:
    """Each test counts its own throttles and waits: a key prefix of its own keeps the
    counters of earlier tests (and of other runs sharing a Redis) out, without flushing
    a cache that others may use. No test calls cache.clear(): on Redis that is FLUSHDB,
    which would empty the counters of `make test`'s other workers and servers mid-test."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        alias: {**params, "KEY_PREFIX": prefix} for alias, params in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _require_postgres(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") is None or connection.vendor == "postgresql":
        return
    reason = "needs PostgreSQL (set DATABASE_URL=postgres://...); this run uses SQLite"
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db) -> User:
    return UserFactory()


@pytest.fixture
def support_agent(db) -> User:
    support_group_sync()
    agent = StaffFactory(username="agent")
    agent.groups.add(Group.objects.get(name=SUPPORT_GROUP))
    return agent


@pytest.fixture(
    params=["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]
)
def session_engine(request, settings) -> ModuleType:
    """Each engine the settings choose from, whichever this run's environment picks:
    `cached_db` on the run's cache (local memory, or Redis when REDIS_URL is set)."""
    settings.SESSION_ENGINE = request.param
    return import_module(request.param)


class _EveryTestRan:
    """Under `make test`'s xdist workers, every collected test must have run to its
    teardown, else the run fails and names the ones that did not. The closing line alone
    cannot tell: with -q it counts items that share a node id once (schemathesis' API
    operations), so it reads lower than the tests that ran."""

    def __init__(self) -> None:
        self.finished: set[str] = set()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.finished.add(report.nodeid)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        dsession = session.config.pluginmanager.getplugin("dsession")
        collection = getattr(getattr(dsession, "sched", None), "collection", None)
        if not collection or session.shouldstop or session.exitstatus != 0:
            return
        lost = [nodeid for nodeid in collection if nodeid not in self.finished]
        if lost:
            reporter = session.config.pluginmanager.get_plugin("terminalreporter")
            reporter.write_sep("=", f"{len(lost)} collected tests never ran", red=True)
            for nodeid in lost:
                reporter.write_line(f"  {nodeid}", red=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_EveryTestRan(), "every-test-ran")
