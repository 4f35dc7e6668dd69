"""Input of any length and content on the login page gets a form error, never a server
error, and is never echoed back unescaped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import LoginFailure
from tests.login_helpers import answer_device, card_answer, device_page, login_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def login_url() -> str:
    return reverse("accounts:login")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "username"),
        ({"password": "x"}, "username"),
        ({"username": "alice"}, "password"),
        ({"username": "", "password": ""}, "username"),
        ({"username": "a" * 10_000, "password": "x"}, "username"),
        ({"username": "alice", "password": "p" * 10_000}, "password"),
        ({"username": "\U0001f600" * 50, "password": "x"}, "username"),
    ],
)
def test_bad_login_input_is_a_form_error(client, login_url, user, data, field):
    response = client.post(login_url, data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not LoginFailure.objects.exists()
    assert not login_events().exists()


@pytest.mark.parametrize(
    "data",
    [{"username": "al\x00ice", "password": "x"}, {"username": "alice", "password": "pa\x00ss"}],
)
def test_nul_in_login_input_is_refused_before_the_form(client, login_url, user, data):
    response = client.post(login_url, data)

    assert response.status_code == 400
    assert not LoginFailure.objects.exists()
    assert not login_events().exists()


def test_repeated_fields_use_one_value_and_still_answer(client, login_url, user):
    response = client.post(
        login_url, {"username": [user.username, "other"], "password": ["a", "b"]}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Invalid user name password combination"]


def test_typed_markup_is_escaped(client, login_url):
    response = client.post(login_url, {"username": '"><script>alert(1)</script>', "password": "x"})

    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_password_is_never_echoed(client, login_url, user):
    response = client.post(login_url, {"username": user.username, "password": "SeCrEt-echo-42"})

    assert b"SeCrEt-echo-42" not in response.content


def test_login_without_csrf_token_is_refused(user, password, login_url):
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(login_url, {"username": user.username, "password": password})

    assert response.status_code == 403
    assert not login_events().exists()


def test_open_redirect_in_next_is_ignored(client, login_url, user, password):
    client.post(
        login_url,
        {"username": user.username, "password": password, "next": "https://evil.example/"},
    )
    page = device_page(client)
    assert page.context["next"] == reverse("accounts:dashboard")

    response = answer_device(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


@pytest.mark.parametrize("next_url", ["0", "dashboard", "accounts:login"])
def test_next_that_is_not_a_path_goes_to_the_dashboard(client, login_url, user, password, next_url):
    # redirect() would take a bare word for a URL pattern name and fail on it.
    client.post(login_url, {"username": user.username, "password": password, "next": next_url})

    done = answer_device(client)
    again = client.get(login_url, {"next": next_url})

    assert done["Location"] == again["Location"] == reverse("accounts:dashboard")


def test_next_inside_the_site_is_followed(client, login_url, user, password):
    target = reverse("accounts:secure_login")
    client.post(login_url, {"username": user.username, "password": password, "next": target})
    page = device_page(client, next_url=target)
    device, challenge = page.context["device"], page.context["challenge"]

    response = client.post(
        reverse("devices:login_device"),
        {
            "device": device.pk,
            "challenge": challenge.pk,
            "response": card_answer(device, challenge.value),
            "next": target,
        },
    )

    assert response["Location"] == target
