"""Issue 8: every page carries the Content-Security-Policy, with no inline script or style
allowed, in the settings the tests run with (the same policy as production)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.login_helpers import full_login

TEMPLATES = settings.BASE_DIR / "templates"

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:login"),
        reverse("help:portal_login"),
        reverse("simulators:index"),
        "/api/trading/docs",
    ],
)
@pytest.mark.django_db
def test_public_pages_carry_the_content_security_policy(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == EXPECTED_DIRECTIVES


@pytest.mark.django_db
def test_portal_pages_carry_the_content_security_policy(client, user, password):
    full_login(client, user.username, password)

    for name in ("accounts:dashboard", "accounts:secure_login"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"]) == EXPECTED_DIRECTIVES


# A script element with a src, or a JSON data block (never run), is not inline code.
INLINE_CODE = re.compile(
    r"<style|\sstyle=|\son[a-z]+=|javascript:"
    r"|<script(?![^>]*\ssrc=)(?![^>]*\stype=\"application/json\")",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_holds_inline_script_style_or_handlers(template):
    """The policy would block them; the browser suite would show it only on pages it opens."""
    assert INLINE_CODE.findall(template.read_text()) == []
