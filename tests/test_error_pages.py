"""The portal's own error pages (issue 15): 400, 403 (the CSRF refusal too), 404 and 500
in the portal's layout, with a way back and nothing of the fault: no traceback, no
exception text. Django's test runner keeps DEBUG off, as in production. The 503 of a
database outage: tests/test_database_outage.py."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import reverse

from tests.error_helpers import SECRET, assert_portal_page, browser
from tests.login_helpers import full_login, post_login

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def login_raises(monkeypatch):
    """The login view's password check raises `exc`: a fault in a real view."""

    def make(exc: Exception) -> None:
        def fail(**kwargs):
            raise exc

        monkeypatch.setattr("portal.views.login_password_check", fail)

    return make


def test_pages_run_with_debug_off():
    assert settings.DEBUG is False


def test_404_page_is_the_portals_own(client):
    response = client.get("/no/such/page/")

    assert_portal_page(response, 404, "Page not found")


def test_404_page_shows_the_signed_in_users_navigation(client, user, password):
    full_login(client, user.username, password)

    page = assert_portal_page(client.get("/no/such/page/"), 404, "Page not found")

    assert f'<span class="who">{user.username}</span>' in page


def test_400_page_for_a_request_django_refuses(client):
    response = client.get(LOGIN, headers={"host": "attacker.example"})

    assert_portal_page(response, 400, "Request not understood")


def test_400_page_for_a_suspicious_request_in_a_view(client, user, password, login_raises):
    login_raises(SuspiciousOperation(SECRET))

    response = post_login(client, user.username, password)

    assert_portal_page(response, 400, "Request not understood")


def test_403_page_for_a_refusal_in_a_view(client, user, password, login_raises):
    login_raises(PermissionDenied(SECRET))

    response = post_login(client, user.username, password)

    assert_portal_page(response, 403, "Not allowed")


def test_403_page_for_a_form_without_its_csrf_token(user, password):
    browser = Client(enforce_csrf_checks=True)

    response = post_login(browser, user.username, password)

    page = assert_portal_page(response, 403, "This form has expired")
    assert "CSRF" not in page


def test_500_page_for_a_fault_in_a_view(user, password, login_raises):
    login_raises(RuntimeError(SECRET))

    response = post_login(browser(), user.username, password)

    page = assert_portal_page(response, 500, "Something went wrong")
    assert "check on the portal whether it was made" in page
