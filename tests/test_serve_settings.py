"""`make serve` settings: the production settings exactly unless SLS_LOCAL_HTTP=true, which
only lets a browser keep its session over plain HTTP on this machine; and WhiteNoise serves
the collected static files from the application server."""

from __future__ import annotations

from django.conf import settings

from tests.test_settings import PRODUCTION, run_manage

SERVE = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "sls_portal.settings.serve"}


def test_serve_settings_pass_check_deploy_unless_local_http_is_asked_for():
    safe = run_manage("check", "--deploy", "--fail-level", "WARNING", **SERVE)
    local = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **SERVE, SLS_LOCAL_HTTP="true"
    )

    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert local.returncode != 0
    for relaxed in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert relaxed in local.stdout + local.stderr


def test_production_settings_ignore_the_local_http_switch():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SLS_LOCAL_HTTP="true"
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_whitenoise_serves_static_files_right_after_the_security_middleware():
    security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")

    assert settings.MIDDLEWARE[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
