"""Settings from the environment and a production configuration that passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

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


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection as c; print(c.vendor, c.settings_dict['NAME'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/some_db",
    )

    assert result.stdout.split() == ["postgresql", "some_db"]
