"""Every support-desk list answers any filter in its query string with its rows, an empty
list or a 400 (accounts.admin_guards.GuardedChangeList), never a server error: NUL in a
filter's value (refused before the list, sls_portal.middleware), a year past the calendar
on any date column or in the date hierarchy, lookups the database would fail on. Tried on
every registered list as a superuser, who may use every filter."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, AuditEventType, AuditOutcome
from tests.bad_input import (
    CONTROL_CHARACTERS,
    HUGE_YEAR,
    YEARS_PAST_THE_CALENDAR,
    assert_refused_page,
    changelist_url,
    date_fields,
    filter_parameters,
    registered_admins,
    superuser_client,
)

pytestmark = pytest.mark.django_db

ADMINS = registered_admins()
DATE_COLUMNS = [(entry, field) for entry in ADMINS for field in date_fields(entry)]
HIERARCHIES = [model_admin for model_admin in ADMINS if model_admin.date_hierarchy]
# The date hierarchy's links name a year, a month of it, a day of that; these name days
# past the calendar's end or no day at all.
DAYS_PAST_THE_CALENDAR = [
    {"year": "9999"},
    {"year": "9999", "month": "12"},
    {"year": "9999", "month": "12", "day": "31"},
    {"year": HUGE_YEAR},
    {"year": "2026", "month": HUGE_YEAR},
    {"year": "2026", "month": "1", "day": HUGE_YEAR},
    {"year": "2026", "month": "13"},
    {"year": "-1"},
]


@pytest.fixture
def staff_client() -> Client:
    return superuser_client()


def assert_empty_or_refused(response) -> None:
    """The brief's answer to a filter no row can match: an empty list, or a 400."""
    if response.status_code == 200:
        assert response.context["cl"].result_count == 0
    else:
        assert response.status_code == 400


def test_the_lists_and_their_filters_are_all_tried():
    assert {str(model_admin) for model_admin in HIERARCHIES} == {
        "accounts.AuditEventAdmin",
        "withdrawals.WithdrawalAdmin",
    }
    assert len(DATE_COLUMNS) > 10


@pytest.mark.parametrize("model_admin", ADMINS, ids=str)
def test_control_characters_in_any_filter_of_any_list_are_refused(staff_client, model_admin):
    url = changelist_url(model_admin)
    parameters = [*filter_parameters(staff_client, model_admin), "pk__exact", "q", "o", "p"]

    for parameter in parameters:
        for char in CONTROL_CHARACTERS[:2]:
            assert_refused_page(staff_client.get(url, {parameter: f"a{char}b"}))


@pytest.mark.parametrize(
    ("model_admin", "field"), DATE_COLUMNS, ids=[f"{ma}.{f}" for ma, f in DATE_COLUMNS]
)
def test_a_year_past_the_calendar_on_any_date_column_is_empty_or_400(
    staff_client, model_admin, field
):
    url = changelist_url(model_admin)

    for year in YEARS_PAST_THE_CALENDAR:
        for lookup in ("year", "iso_year"):
            assert_empty_or_refused(staff_client.get(url, {f"{field}__{lookup}": year}))
    assert staff_client.get(url, {f"{field}__year": "2026"}).status_code == 200


@pytest.mark.parametrize("model_admin", HIERARCHIES, ids=str)
@pytest.mark.parametrize("day", DAYS_PAST_THE_CALENDAR, ids=lambda day: "-".join(day.values()))
def test_a_day_past_the_calendar_in_the_date_hierarchy_is_a_400(staff_client, model_admin, day):
    hierarchy = model_admin.date_hierarchy
    query = {f"{hierarchy}__{part}": value for part, value in day.items()}

    response = staff_client.get(changelist_url(model_admin), query)

    assert response.status_code == 400


def test_the_date_hierarchy_still_finds_the_days_rows(staff_client):
    event = AuditEvent.objects.create(
        event_type=AuditEventType.LOCKOUT_LIFTED, outcome=AuditOutcome.SUCCESS
    )
    day = timezone.localtime(event.at)
    url = changelist_url(admin.site._registry[AuditEvent])

    response = staff_client.get(
        url, {"at__year": day.year, "at__month": day.month, "at__day": day.day}
    )

    assert response.status_code == 200
    assert event in response.context["cl"].result_list


@pytest.mark.parametrize(
    "query",
    [
        {"event_type__regex": "("},
        {"event_type__iregex": "[a-"},
        {"at__range": "2026"},
        {"detail__has_keys": ""},
        {"detail__has_any_keys": ""},
        {"pk__exact": "abc"},
    ],
    ids=lambda query: next(iter(query)),
)
def test_a_lookup_no_filter_makes_or_a_value_of_the_wrong_type_is_a_400(staff_client, query):
    """Django's admin would redirect a value of the wrong type to the whole list, and send
    a regular expression or a list-valued lookup to the database, which may fail on it."""
    response = staff_client.get(changelist_url(admin.site._registry[AuditEvent]), query)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [{"ip_address__exact": "not-an-address"}, {"detail__contained_by": "{"}],
    ids=lambda query: next(iter(query)),
)
def test_a_lookup_one_database_cannot_run_is_empty_or_400(staff_client, query):
    """PostgreSQL refuses a word for an address; SQLite has no JSON containment."""
    assert_empty_or_refused(
        staff_client.get(changelist_url(admin.site._registry[AuditEvent]), query)
    )


def test_an_id_past_the_databases_range_is_an_empty_list(staff_client):
    response = staff_client.get(
        changelist_url(admin.site._registry[AuditEvent]), {"pk__exact": "9" * 30}
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
