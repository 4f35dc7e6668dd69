"""Control characters are refused where a request enters (sls_portal.middleware): in the
path of every URL pattern, in any query string, in a posted form's field names and values
and in the User-Agent header. The answer is a 400 (the portal's page, or the trading API's
JSON error) before the session is read: no query reaches the database, so nothing is
written and PostgreSQL never meets a NUL. Tab and line breaks are text."""

from __future__ import annotations

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AuditEvent, LoginFailure
from devices.models import Authenticator
from tests.bad_input import (
    CONTROL_CHARACTERS,
    TEXT_CONTROLS,
    assert_refused_call,
    assert_refused_page,
    fill,
    is_api,
    superuser_client,
    url_templates,
)
from tests.form_fuzz import ANY_FIELD, ANY_VALUE, holds_control_character, own_throttles
from tests.test_security_headers import EXPECTED_DIRECTIVES, directives

pytestmark = pytest.mark.django_db

URL_TEMPLATES = url_templates()
# Logging out mid-run would leave the later examples at the login page.
FUZZED_TEMPLATES = [template for template in URL_TEMPLATES if "logout" not in template]


@pytest.fixture
def staff_client() -> Client:
    """Logged in as a superuser with a verified login, so that without the refusal each
    request would reach its view, the admin's included, and the database."""
    return superuser_client()


def assert_refused(response, path: str) -> None:
    if is_api(path):
        assert_refused_call(response)
    else:
        assert_refused_page(response)


def test_every_url_pattern_is_tried():
    assert "/withdrawals/approve/{}/" in URL_TEMPLATES
    assert "/api/trading/withdrawals" in URL_TEMPLATES
    assert "/admin/accounts/auditevent/{}/change/" in URL_TEMPLATES
    assert len(URL_TEMPLATES) > 100


@pytest.mark.parametrize("template", URL_TEMPLATES)
def test_control_characters_in_any_path_are_refused_before_the_session(
    staff_client, django_assert_num_queries, template
):
    for char in CONTROL_CHARACTERS:
        path = fill(template, f"a{char}b")

        with django_assert_num_queries(0):
            response = staff_client.get(path)

        assert_refused(response, path)


@pytest.mark.parametrize("template", URL_TEMPLATES)
def test_control_characters_in_any_query_string_are_refused_before_the_session(
    staff_client, django_assert_num_queries, template
):
    path = fill(template, "1")
    for char in CONTROL_CHARACTERS:
        for query in ({"next": f"a{char}b"}, {f"a{char}b": "1"}):
            with django_assert_num_queries(0):
                response = staff_client.get(path, query)

            assert_refused(response, path)


@pytest.mark.parametrize(
    "data",
    [
        {"username": "al\x00ice", "password": "x"},
        {"username": "alice", "password": "pa\x1bss"},
        {"username": "alice", "password": "x", "ne\x00xt": "/"},
        {"username": ["alice", "al\x01ice"], "password": "x"},
    ],
    ids=["nul-in-a-value", "escape-in-the-password", "nul-in-a-name", "nul-in-a-second-value"],
)
@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_control_characters_in_a_posted_form_are_refused_before_the_form(
    client, user, django_assert_num_queries, data, multipart
):
    login = reverse("accounts:login")

    with django_assert_num_queries(0):
        if multipart:
            response = client.post(login, data)
        else:
            response = client.post(
                login, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
            )

    assert_refused_page(response)
    assert not LoginFailure.objects.exists()


def test_a_user_agent_with_control_characters_is_refused_before_the_audit_trail(
    client, user, password
):
    events = AuditEvent.objects.count()

    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": password},
        headers={"User-Agent": "Mozilla/5.0\x00"},
    )

    assert_refused_page(response)
    assert AuditEvent.objects.count() == events
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("char", TEXT_CONTROLS)
def test_tab_and_line_breaks_are_text(client, user, char):
    page = client.get(reverse("accounts:login"), {"next": f"/a{char}b"})
    posted = client.post(
        reverse("accounts:login"), {"username": user.username, "password": f"x{char}y"}
    )

    assert page.status_code == 200
    assert posted.status_code == 200
    assert posted.context["form"].non_field_errors() == ["Invalid user name password combination"]


def test_a_file_is_not_a_form_field_its_rows_are_the_importers(staff_client):
    """The refusal reads field names and values, not an upload's contents: a seed file's
    row with a NUL is the importer's error, naming its line (and the box stays out)."""
    upload = SimpleUploadedFile("box.csv", b"serial,secret\nA\x00B,00112233445566778899\n")
    cards = Authenticator.objects.count()

    response = staff_client.post(reverse("admin:devices_authenticator_import"), {"file": upload})

    assert response.status_code == 200
    assert "Line 2: the serial holds control characters." in response.content.decode()
    assert Authenticator.objects.count() == cards


def test_the_refusal_carries_the_portals_headers(client):
    response = client.get("/login/%00/")

    assert_refused_page(response)
    assert directives(response["Content-Security-Policy"]) == EXPECTED_DIRECTIVES
    assert response["X-Frame-Options"] == "DENY"


def test_the_refusal_logs_where_but_never_the_value(client, caplog):
    with caplog.at_level(logging.WARNING, logger="sls_portal.middleware"):
        client.get("/withdrawals/approve/%00secret%01/")

    (record,) = [r for r in caplog.records if r.name == "sls_portal.middleware"]
    assert record.getMessage() == "Refused a GET request: control characters in its path."


def test_the_apis_body_is_left_to_the_api(client):
    """Below /api/ the body is not read here: the API's own parser answers, not this
    refusal (JSON bodies are its schemas' to check, field by field)."""
    response = client.post(
        "/api/trading/login", "username=al%00ice", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


@given(
    data=st.data(),
    template=st.sampled_from(FUZZED_TEMPLATES),
    query=st.dictionaries(ANY_VALUE, ANY_FIELD, max_size=3),
)
@own_throttles
def test_any_path_and_query_string_is_never_a_server_error(staff_client, data, template, query):
    """Any value in any pattern's parameters, any query string: never a server error (the
    test client raises the view's exception), and a 400 whenever control characters are in
    either."""
    value = data.draw(ANY_VALUE)
    path = fill(template, value)

    response = staff_client.get(path, query)

    assert response.status_code < 500
    if holds_control_character([value, query]):
        assert response.status_code == 400
