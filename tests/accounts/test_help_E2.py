"""E2: help pages for the login failures of KB1132 (Client Portal) and KB1133 (trading
platform), open without logging in, and reached from the login page's errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.login_helpers import post_login

pytestmark = pytest.mark.django_db

PORTAL_CASES = [
    "invalid-credentials",
    "login-failed",
    "forgotten",
    "device-unavailable",
    "device-lost",
    "passcode-expired",
    "online-card-expired",
    "awaiting-delivery",
    "portal-not-trading",
    "activate-device",
    "bad-character",
    "security-key",
]


def test_E2_portal_help_covers_every_case_of_kb1132_without_login(client):
    response = client.get(reverse("help:portal_login"))
    assert response.status_code == 200
    html = response.content.decode()
    for number, anchor in enumerate(PORTAL_CASES, start=1):
        assert f'href="#{anchor}"' in html
        assert re.search(rf'<section id="{anchor}">\s*<h2>{number}\. ', html), anchor


def test_E2_trading_help_explains_the_channel_differences(client):
    response = client.get(reverse("help:trading_login"))
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    for anchor in ("same-rules", "temporary-passcode", "ib-key-session", "opted-out"):
        assert f'<section id="{anchor}">' in html
    assert "12 hours" in html and "30 hours" in html


def test_E2_wrong_password_links_to_its_help_case(client):
    UserFactory(username="alice")
    response = post_login(client, "alice", "wrong-password")
    assert f"{reverse('help:portal_login')}#invalid-credentials" in response.content.decode()


def test_E2_bad_character_links_to_its_help_case(client):
    response = post_login(client, "al ice", "whatever")
    html = response.content.decode()
    assert "BAD CHARACTER" in html
    assert f"{reverse('help:portal_login')}#bad-character" in html


def test_E2_a_clean_login_page_shows_no_error_help(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "#invalid-credentials" not in html and "#bad-character" not in html
    assert reverse("help:portal_login") in html
