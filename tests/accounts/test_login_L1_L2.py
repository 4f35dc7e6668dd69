"""L1 user-name syntax and L2 no user enumeration on the password step."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from accounts.models import AuditEventType, LoginFailure
from tests.factories import UserFactory
from tests.login_helpers import full_login, is_logged_in, login_error, login_events, post_login

pytestmark = pytest.mark.django_db

BAD_NAMES = [
    "al ice",
    " alice",
    "alice ",
    "al!ce",
    "al@ce",
    "al#ce",
    "al$ce",
    "al%ce",
    "al^ce",
    "al&ce",
    "al*ce",
    "al(ce",
    "al.ce",
    "al,ce",
    'al"ce',
    "al:ce",
    "al-ce",
    "al_ce",
    "alicé",
    "алиса",
    "al\tce",
    "<script>",
]


@pytest.mark.parametrize("username", BAD_NAMES)
def test_L1_bad_character_in_user_name(client, user, username):
    response = post_login(client, username, "anything")

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["BAD CHARACTER"]
    assert b"BAD CHARACTER" in response.content
    assert not login_events().exists()
    assert not LoginFailure.objects.exists()


def test_L1_control_character_in_user_name_is_refused_before_the_form(client, user):
    """Nobody types one: the request is refused before the login reads it (a 400, not
    BAD CHARACTER), and it counts as nothing."""
    response = post_login(client, "al\x00ce", "anything")

    assert response.status_code == 400
    assert not login_events().exists()
    assert not LoginFailure.objects.exists()


def test_L1_user_names_are_case_sensitive(client, user, password):
    response = post_login(client, user.username.upper(), password)

    assert login_error(response) == "Invalid user name password combination"
    assert "_auth_user_id" not in client.session


def test_L1_lower_case_name_with_digits_logs_in(client, password):
    UserFactory(username="jane2026")
    full_login(client, "jane2026", password)

    assert is_logged_in(client)


def test_L2_same_answer_for_unknown_user_and_wrong_password(client, user):
    wrong_password = post_login(client, user.username, "not-the-password")
    unknown_user = post_login(client, "nosuchuser", "not-the-password")

    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert login_error(response) == "Invalid user name password combination"
    assert _page_without_tokens(wrong_password, user.username) == _page_without_tokens(
        unknown_user, "nosuchuser"
    )


def test_L2_same_hashing_work_for_unknown_user_and_wrong_password(client, user):
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
    ) as encode:
        post_login(client, user.username, "not-the-password")
        wrong_password_hashes = encode.call_count
        encode.reset_mock()
        post_login(client, "nosuchuser", "not-the-password")
        unknown_user_hashes = encode.call_count

    assert wrong_password_hashes == unknown_user_hashes == 1


def test_L2_unknown_user_is_audited_without_creating_anyone(client):
    post_login(client, "nosuchuser", "whatever", REMOTE_ADDR="203.0.113.9")

    event = login_events().get()
    assert event.event_type == AuditEventType.LOGIN_FAILED
    assert event.subject is None
    assert event.subject_username == "nosuchuser"
    assert event.detail == {"step": "password", "reason": "unknown_user"}
    assert not LoginFailure.objects.exists()


def _page_without_tokens(response, username: str) -> bytes:
    """The page with what legitimately differs (CSRF token, the typed name) removed."""
    body = response.content.replace(username.encode(), b"NAME")
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
