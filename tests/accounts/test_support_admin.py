"""Support staff in the admin: least privilege, lockouts seen and lifted (L3), the audit
trail read-only."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.admin_guards import NOT_ROWS_OF_THIS_LIST, ChangelistGuardMixin
from accounts.models import AuditEvent, AuditEventType, AuditOutcome
from accounts.services.lockout import lockout_is_active
from tests.factories import ClientFactory, StaffFactory
from tests.login_helpers import full_login, post_login

pytestmark = pytest.mark.django_db

USER_LIST = "admin:accounts_user_changelist"


@pytest.fixture
def agent_client(client, support_agent, password):
    full_login(client, support_agent.username, password)
    return client


@pytest.fixture
def locked_user(user):
    attacker = Client()
    for _ in range(10):
        post_login(attacker, user.username, "wrong")
    user.refresh_from_db()
    return user


def test_admin_login_goes_through_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_L3_support_sees_the_lock_and_lifts_it(agent_client, locked_user, support_agent, password):
    listing = agent_client.get(reverse(USER_LIST))
    assert "Locked until" in listing.content.decode()

    response = agent_client.post(
        reverse(USER_LIST),
        {"action": "lift_lockout", "_selected_action": [locked_user.pk]},
        follow=True,
    )

    assert f"Lockout lifted: {locked_user.username}." in response.content.decode()
    locked_user.refresh_from_db()
    assert not lockout_is_active(user=locked_user, at=locked_user.last_failed_login_at)
    event = AuditEvent.objects.get(event_type=AuditEventType.LOCKOUT_LIFTED)
    assert event.actor == support_agent
    assert event.subject == locked_user


@pytest.mark.parametrize("forged", ["0.0", "9" * 30, "0" * 5000, "\u0661", "-1", ""])
def test_L3_forged_selection_is_refused_and_lifts_no_lock(agent_client, locked_user, forged):
    response = agent_client.post(
        reverse(USER_LIST),
        {"action": "lift_lockout", "index": "0", "_selected_action": [locked_user.pk, forged]},
        follow=True,
    )

    assert response.status_code == 200
    assert NOT_ROWS_OF_THIS_LIST in response.content.decode()
    locked_user.refresh_from_db()
    assert lockout_is_active(user=locked_user, at=locked_user.last_failed_login_at)
    assert not AuditEvent.objects.filter(event_type=AuditEventType.LOCKOUT_LIFTED).exists()


def test_search_too_long_for_a_name_finds_nothing(agent_client, user):
    found = agent_client.get(reverse(USER_LIST), {"q": user.username})
    too_long = agent_client.get(reverse(USER_LIST), {"q": user.username + "x" * 60_000})

    assert list(found.context["cl"].result_list) == [user]
    assert too_long.status_code == 200
    assert list(too_long.context["cl"].result_list) == []


def test_every_admin_list_guards_its_selection_and_search():
    unchecked = [
        str(model_admin)
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, ChangelistGuardMixin)
    ]

    assert unchecked == []


def test_support_cannot_edit_users(agent_client, user):
    change_url = reverse("admin:accounts_user_change", args=[user.pk])

    response = agent_client.post(change_url, {"username": "renamed", "is_staff": "on"})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.username != "renamed"
    assert not user.is_staff


@pytest.mark.parametrize(
    "url_name",
    ["admin:auth_group_changelist", "admin:accounts_user_add", "admin:accounts_auditevent_add"],
)
def test_support_has_no_rights_beyond_its_tasks(agent_client, url_name):
    assert agent_client.get(reverse(url_name)).status_code == 403


def test_support_reads_the_audit_trail(agent_client, locked_user):
    response = agent_client.get(reverse("admin:accounts_auditevent_changelist"))

    assert response.status_code == 200
    assert "User locked out" in response.content.decode()


def test_support_filters_the_trail_by_event_types_named_in_code(agent_client, user):
    AuditEvent.objects.create(
        event_type=AuditEventType.LOCKOUT_LIFTED, outcome=AuditOutcome.SUCCESS, subject=user
    )
    AuditEvent.objects.create(event_type="retired.type", outcome=AuditOutcome.SUCCESS)

    page = agent_client.get(
        reverse("admin:accounts_auditevent_changelist"),
        {"event_type": AuditEventType.LOCKOUT_LIFTED.value},
    )

    assert page.status_code == 200
    assert list(page.context["cl"].queryset.values_list("event_type", flat=True)) == [
        AuditEventType.LOCKOUT_LIFTED.value
    ]
    assert "Lockout lifted by support" in page.content.decode()
    assert AuditEvent.objects.get(event_type="retired.type").event_label == "retired.type"


def test_audit_trail_is_read_only_even_for_superusers(client, password):
    StaffFactory(username="root", is_superuser=True)
    post_login(client, "root", "wrong")
    full_login(client, "root", password)
    event = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_FAILED).get()

    change_url = reverse("admin:accounts_auditevent_change", args=[event.pk])
    delete_url = reverse("admin:accounts_auditevent_delete", args=[event.pk])

    assert client.post(change_url, {"outcome": "success"}).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, outcome="failure").exists()


def test_clients_without_staff_flag_cannot_open_the_admin(client, user, password):
    full_login(client, user.username, password)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302


def client_form(client_record, **changes):
    """The client change form as a superuser posts it, boxes of identification left blank."""
    data = {
        "kind": client_record.kind,
        "name": client_record.name,
        "date_of_birth": "",
        "citizenship": client_record.citizenship.code,
        "residence_country": client_record.residence_country.code,
        "id_document_type": client_record.id_document_type,
        "id_document_number": "",
        "address_line": "",
        "city": "",
        "postal_code": "",
        "address_country": "",
        "email": "",
    }
    return {**data, **changes}


@pytest.fixture
def superuser_client(password):
    boss = StaffFactory(username="boss", is_superuser=True)
    browser = Client()
    full_login(browser, boss.username, password)
    return browser


def test_G1_superuser_edits_identification_write_only_and_never_sees_it(superuser_client):
    record = ClientFactory(id_document_number="P98765432", date_of_birth=datetime.date(1979, 5, 6))
    url = reverse("admin:accounts_client_change", args=[record.pk])

    page = superuser_client.get(url).content.decode()
    kept = superuser_client.post(url, client_form(record, name="Renamed"))
    record.refresh_from_db()
    kept_values = (record.name, record.id_document_number, record.date_of_birth)
    replaced = superuser_client.post(
        url, client_form(record, id_document_number="X1234 5678", date_of_birth="1979-05-07")
    )
    record.refresh_from_db()

    assert "P98765432" not in page and "1979-05-06" not in page and "1979" not in page
    assert "On file: ending 5432. Leave blank to keep." in page
    assert kept.status_code == replaced.status_code == 302
    assert kept_values == ("Renamed", "P98765432", datetime.date(1979, 5, 6))
    assert (record.id_document_number, record.date_of_birth) == (
        "X1234 5678",
        datetime.date(1979, 5, 7),
    )
