"""NIST SP 800-63B 5.1.1.2 password rules for every new password: at least 8 characters,
64 allowed, no composition rules, common passwords refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from portal.demo import STAFF, demo_password
from tests.factories import StaffFactory
from tests.login_helpers import full_login


def refusal_codes(password: str) -> set[str]:
    try:
        validate_password(password, User(username="alice"))
    except ValidationError as refused:
        return {error.code for error in refused.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("q7#kD2m", {"password_too_short"}),
        ("q7#kD2mx", set()),
        ("q" * 63 + "x", set()),
        ("q" * 64 + "x", {"password_too_long"}),
        ("password123", {"password_too_common"}),
        ("zebraquiltmoonhat", set()),
        ("ZEBRAQUILTMOONHAT", set()),
        ("tangerine elephant umbrella", set()),
    ],
    ids=[
        "7-refused",
        "8-ok",
        "64-ok",
        "65-refused",
        "common",
        "lower-only",
        "upper-only",
        "spaces",
    ],
)
def test_NIST_password_length_and_common_list_no_composition(password, codes):
    assert refusal_codes(password) == codes


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "admin", *(s[0] for s in STAFF)])
def test_NIST_demo_passwords_pass_the_rules(username):
    validate_password(demo_password(username), User(username=username))


@pytest.fixture
def admin_client(client, db, password):
    """A superuser signed in through the portal's two-step login, as the admin requires."""
    superuser = StaffFactory(is_superuser=True)
    full_login(client, superuser.username, password)
    return client


def test_NIST_support_desk_cannot_create_a_user_with_a_short_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newclient", "password1": "q7#kD2m", "password2": "q7#kD2m"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="newclient").exists()


def test_NIST_support_desk_creates_a_user_with_a_long_lower_case_password(admin_client):
    password = "tangerine elephant umbrella"
    admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newclient", "password1": password, "password2": password},
    )

    assert User.objects.get(username="newclient").check_password(password)
