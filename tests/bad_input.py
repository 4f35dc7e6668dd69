"""Requests as an attacker sends them, for the tests of where input enters the portal: the
control characters no field accepts, every URL pattern of the project as a path to fill,
and every admin list with the filters its query string takes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from django.contrib import admin
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.devices.sharing.helpers import logged_in
from tests.factories import StaffFactory

# C0 control characters but tab, line feed and carriage return, which are text.
CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f"]
TEXT_CONTROLS = ["\t", "\n", "\r"]
# A year no date has: Python's datetime stops at 9999, and 9999's next year is needed to
# bound a filter on 9999.
HUGE_YEAR = "9" * 30
YEARS_PAST_THE_CALENDAR = [HUGE_YEAR, "10000", "9999", "0", "-1"]

# A path converter (`<int:pk>`) or a regular expression's named group (`(?P<url>.*)`).
_PARAMETER = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)")


def superuser_client() -> Client:
    """A superuser through the portal login with its card: the admin wants a verified login."""
    client = logged_in(StaffFactory(is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
    return client


def url_templates() -> list[str]:
    """Every URL pattern of the project as a path, with `{}` for each of its parameters."""
    return sorted(set(_templates(get_resolver().url_patterns, "/")))


def _templates(entries: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
    for entry in entries:
        route = str(entry.pattern).removeprefix("^").removesuffix("$")
        path = prefix + _PARAMETER.sub("{}", route)
        if isinstance(entry, URLResolver):
            yield from _templates(entry.url_patterns, path)
        else:
            yield path


def fill(template: str, value: str) -> str:
    """The path of `template` with each parameter holding `value` (percent-encoded); a
    pattern without parameters gets `value` at the end of its path."""
    encoded = quote(value, safe="")
    if "{}" in template:
        return template.replace("{}", encoded)
    return template + encoded


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def registered_admins() -> list[admin.ModelAdmin]:
    return list(admin.site._registry.values())


def changelist_url(model_admin: admin.ModelAdmin) -> str:
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def filter_parameters(client: Client, model_admin: admin.ModelAdmin) -> list[str]:
    """The query-string parameters of the list's filters (`status__exact`, a custom
    filter's own name, `at__gte`), as the list itself declares them, and its date
    hierarchy's year, month and day."""
    page = client.get(changelist_url(model_admin))
    assert page.status_code == 200
    parameters = [
        parameter
        for spec in page.context["cl"].filter_specs
        for parameter in spec.expected_parameters()
    ]
    if model_admin.date_hierarchy:
        parameters += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return parameters


def date_fields(model_admin: admin.ModelAdmin) -> list[str]:
    """The model's own date and date-time columns, which any list may be filtered on."""
    return [
        field.name
        for field in model_admin.model._meta.concrete_fields
        if isinstance(field, models.DateField)
    ]


def assert_refused_page(response: HttpResponse) -> None:
    """The portal's 400 page, in its layout, saying nothing of the fault."""
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Request not understood" in html
    assert 'class="site-header"' in html
    assert "control" not in html.lower()


def assert_refused_call(response: HttpResponse) -> None:
    """The trading API's JSON error, with the code of bad input."""
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "bad_input"
