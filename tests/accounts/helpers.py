"""Small helpers for posting to the login page in tests."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse


def post_login(client: Client, username: str, password: str, **extra: str) -> HttpResponse:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def login_error(response: HttpResponse) -> str | None:
    """The page-level error of the login form, or None when there is none."""
    form = response.context["form"] if response.context else None
    if form is None or not form.non_field_errors():
        return None
    return form.non_field_errors()[0]
