"""Settings from the environment and a production configuration that passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from devices.checks import message_gateway_check

ROOT = Path(__file__).resolve().parent.parent


# What the test process's own settings put into its environment stays out of the child's.
INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "SLS_SIMULATORS",
    "DEVICE_SECRET_KEYS",
    "DEVICE_CELL_HMAC_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SLS_MESSAGE_GATEWAY",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sls_portal.settings.production",
    "SECRET_KEY": "p" * 20 + "-production-secret-for-the-check-only-0123456789",
    "DEVICE_SECRET_KEYS": Fernet.generate_key().decode(),
    "DEVICE_CELL_HMAC_KEY": "cell-key-for-the-check-only",
    "ALLOWED_HOSTS": "portal.example.com",
}


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    env["SECRET_KEY"] = "short"

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50" in result.stderr


CONSOLE_GATEWAY = "devices.gateways.console.ConsoleGateway"
FILE_GATEWAY = "devices.gateways.file.FileGateway"


@pytest.mark.parametrize("gateway", [CONSOLE_GATEWAY, FILE_GATEWAY])
def test_G7_production_refuses_a_gateway_that_writes_codes_to_a_log(gateway):
    result = run_manage("check", **PRODUCTION, SLS_MESSAGE_GATEWAY=gateway)

    assert result.returncode != 0
    assert f"SLS_MESSAGE_GATEWAY={gateway} writes the codes" in result.stderr
    assert "SLS_ALLOW_INSECURE_MESSAGE_GATEWAY=true" in result.stderr


@pytest.mark.parametrize("gateway", [CONSOLE_GATEWAY, FILE_GATEWAY])
def test_G7_named_insecure_gateway_starts_but_check_deploy_reports_it(gateway):
    started = run_manage(
        "check",
        **PRODUCTION,
        SLS_MESSAGE_GATEWAY=gateway,
        SLS_ALLOW_INSECURE_MESSAGE_GATEWAY="true",
    )
    deploy = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SLS_MESSAGE_GATEWAY=gateway,
        SLS_ALLOW_INSECURE_MESSAGE_GATEWAY="true",
    )

    assert started.returncode == 0, started.stderr
    assert "devices.W001" not in started.stdout + started.stderr
    assert deploy.returncode != 0
    assert f"(devices.W001) SLS_MESSAGE_GATEWAY={gateway}" in deploy.stdout + deploy.stderr


def test_G7_production_sends_through_the_outbox_by_default():
    script = "from devices.gateways import gateway; print(type(gateway()).__name__)"

    assert production_shell(script) == ["OutboxGateway"]


@pytest.mark.parametrize(
    ("gateway", "ids"),
    [
        (CONSOLE_GATEWAY, ["devices.W001"]),
        (FILE_GATEWAY, ["devices.W001"]),
        ("devices.gateways.outbox.OutboxGateway", []),
        ("devices.gateways.locmem.LocmemGateway", []),
        ("devices.gateways.nowhere.Gateway", ["devices.W002"]),
    ],
)
def test_G7_deploy_check_flags_gateways_that_write_codes_to_a_log(settings, gateway, ids):
    settings.SLS_MESSAGE_GATEWAY = gateway

    assert [message.id for message in message_gateway_check(None)] == ids


def test_production_uses_argon2_and_no_simulators():
    script = (
        "from django.conf import settings;"
        "print(settings.PASSWORD_HASHERS[0]);"
        "print(settings.SLS_SIMULATORS, settings.SESSION_COOKIE_SECURE, settings.DEBUG)"
    )

    result = run_manage("shell", "--no-imports", "-c", script, **PRODUCTION)

    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "False",
        "True",
        "False",
    ]


def test_production_refuses_the_simulators():
    result = run_manage("check", **PRODUCTION, SLS_SIMULATORS="true")

    assert result.returncode != 0
    assert "SLS_SIMULATORS must be off in production." in result.stderr


def test_production_installs_no_simulators_and_migrates_none_of_their_tables():
    """The simulators' app is absent, so no migration of theirs is planned, and devices
    0009 drops the tables its earlier migrations made for them: a production database holds
    nothing of the simulators. Their URLs are not there either."""
    script = """
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import NoReverseMatch, reverse

print(apps.is_installed("simulators"))
executor = MigrationExecutor(connection)
plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
print(sorted({migration.app_label for migration, _ in plan}))
call_command("migrate", verbosity=0)
print([t for t in connection.introspection.table_names() if "simulat" in t or "phoneapp" in t])
try:
    print(reverse("simulators:index"))
except NoReverseMatch:
    print("no such URL")
"""

    installed, apps_migrated, tables, simulator_urls = production_shell(script)

    assert installed == "False"
    assert "devices" in apps_migrated and "simulators" not in apps_migrated
    assert tables == "[]"
    assert simulator_urls == "no such URL"


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection as c; print(c.vendor, c.settings_dict['NAME'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/some_db",
    )

    assert result.stdout.split() == ["postgresql", "some_db"]


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("", "django.contrib.sessions.backends.db"),
        ("redis://127.0.0.1:6379/0", "django.contrib.sessions.backends.cached_db"),
    ],
)
def test_sessions_are_read_from_the_cache_only_when_every_server_shares_it(redis_url, engine):
    """A local-memory cache belongs to one process, which could go on serving a session
    that another process ended (logout, G3); Redis is the same for all of them."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SESSION_ENGINE)",
        REDIS_URL=redis_url,
    )

    assert result.stdout.split() == [engine]


def production_shell(script: str) -> list[str]:
    result = run_manage(
        "shell", "--no-imports", "-c", script, DATABASE_URL="sqlite://:memory:", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_production_https_only_with_a_year_of_preloaded_hsts():
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 365 * 24 * 3600,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )

    assert production_shell(script) == ["True True True True"]


def test_production_cookies_are_host_prefixed_secure_httponly_and_strict():
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN);"
        "print(s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY,"
        " s.CSRF_COOKIE_SAMESITE, s.CSRF_COOKIE_PATH, s.CSRF_COOKIE_DOMAIN)"
    )

    assert production_shell(script) == [
        "__Host-sessionid True True Strict / None",
        "__Host-csrftoken True True Strict / None",
    ]


def test_production_login_page_sends_hsts_csp_and_a_host_prefixed_cookie():
    script = (
        "from django.test import Client;"
        "r = Client(HTTP_HOST='portal.example.com').get('/login/', secure=True);"
        "print(r.status_code);"
        "print(r['Strict-Transport-Security']);"
        "print(r['Content-Security-Policy']);"
        "print(r.cookies['__Host-csrftoken'].output())"
    )

    status, hsts, csp, cookie = production_shell(script)

    assert status == "200"
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert attributes[0].startswith("set-cookie: __host-csrftoken=")
    assert {"secure", "httponly", "path=/", "samesite=strict"} <= set(attributes)
    assert not any(part.startswith("domain=") for part in attributes)


def test_production_plain_http_is_redirected_to_https():
    script = (
        "from django.test import Client;"
        "r = Client(HTTP_HOST='portal.example.com').get('/login/');"
        "print(r.status_code, r['Location'])"
    )

    assert production_shell(script) == ["301 https://portal.example.com/login/"]
