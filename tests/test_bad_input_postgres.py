"""The malformed requests that PostgreSQL answered with a server error (issue 15), replayed
on PostgreSQL: its text columns refuse NUL outright, where SQLite stores it, so this is
the database that shows whether input is refused where it enters. The tests of each entry
point (tests/test_control_characters.py, the trading API's request bodies, the importer,
tests/accounts/test_admin_list_filters.py) and their fuzzers run on both databases; these
must run on PostgreSQL, and CI fails when they cannot."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.validators import CONTROL_CHARACTERS_MESSAGE
from devices.models import Authenticator
from tests.bad_input import (
    HUGE_YEAR,
    assert_refused_page,
    changelist_url,
    date_fields,
    filter_parameters,
    registered_admins,
    superuser_client,
)
from tests.login_helpers import full_login
from tests.trading.api import card_login, post, token_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_postgres_refuses_nul_in_a_text_column():
    """Why these requests failed: the query itself is refused."""
    with pytest.raises(DataError), transaction.atomic():
        AuditEvent.objects.filter(event_type="a\x00b").exists()


def test_nul_in_a_url_path_is_a_400_on_postgres(client, user, password):
    full_login(client, user.username, password)

    assert_refused_page(client.get("/withdrawals/approve/%00/"))


def test_nul_in_a_user_agent_is_a_400_on_postgres(client, user, password):
    events = AuditEvent.objects.count()

    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": password},
        headers={"User-Agent": "a\x00b"},
    )

    assert_refused_page(response)
    assert AuditEvent.objects.count() == events


def test_nul_in_a_trading_api_field_is_a_400_on_postgres(client, user, password):
    token = token_of(card_login(client, user.username, password))
    body = {
        "intent_token": "a\u0000b",
        "challenge_id": 1,
        "response": "12345678",
        "amount": "1000.00",
        "destination": "GB82 WEST 1234 5698 7654 32",
    }

    response = post(client, "/withdrawals", body, token)

    assert response.status_code == 400
    assert response.json() == {"error": "bad_input", "detail": CONTROL_CHARACTERS_MESSAGE}


def test_nul_in_a_seed_file_row_is_an_import_error_on_postgres():
    client = superuser_client()
    cards = Authenticator.objects.count()
    upload = SimpleUploadedFile("box.csv", b"serial,secret\nA-1,0011\nA\x00B,0011\n")

    response = client.post(reverse("admin:devices_authenticator_import"), {"file": upload})

    assert response.status_code == 200
    assert "Line 3: the serial holds control characters." in response.content.decode()
    assert Authenticator.objects.count() == cards


@pytest.mark.parametrize("model_admin", registered_admins(), ids=str)
def test_nul_and_a_huge_year_in_any_admin_filter_are_400_on_postgres(model_admin):
    client = superuser_client()
    url = changelist_url(model_admin)

    for parameter in filter_parameters(client, model_admin):
        assert_refused_page(client.get(url, {parameter: "\x00"}))
    for field in date_fields(model_admin):
        assert client.get(url, {f"{field}__year": HUGE_YEAR}).status_code == 400
