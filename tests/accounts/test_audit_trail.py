"""The audit trail: every login event records actor, subject, time, IP, user agent and
outcome, and no row can be changed or deleted, by the ORM or by SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.state import ProjectState

from accounts.db.append_only import AppendOnlyTrigger
from accounts.models import AuditEvent, AuditEventType, AuditOutcome
from tests.login_helpers import full_login, login_events, post_login

pytestmark = pytest.mark.django_db

BROWSER = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Mozilla/5.0 (TestBrowser)"}


def test_successful_login_is_recorded_with_where_it_came_from(client, user, password):
    full_login(client, user.username, password, **BROWSER)

    event = AuditEvent.objects.get(event_type=AuditEventType.LOGIN_SUCCEEDED)
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.subject == event.actor == user
    assert event.ip_address == "198.51.100.7"
    assert event.user_agent == "Mozilla/5.0 (TestBrowser)"
    assert event.at is not None


def test_wrong_password_is_recorded_as_a_failure(client, user):
    post_login(client, user.username, "wrong", **BROWSER)

    event = login_events().get()
    assert (event.event_type, event.outcome) == (AuditEventType.LOGIN_FAILED, "failure")
    assert event.subject == user
    assert event.actor is None
    assert event.detail == {"step": "password", "reason": "wrong_password"}


def test_L3_lockout_is_recorded_once(client, user):
    for _ in range(12):
        post_login(client, user.username, "wrong", **BROWSER)

    types = list(AuditEvent.objects.order_by("id").values_list("event_type", flat=True))
    assert types.count(AuditEventType.LOCKOUT_STARTED) == 1
    assert types.count(AuditEventType.LOGIN_FAILED) == 10
    assert types.count(AuditEventType.LOGIN_REFUSED_LOCKED) == 2


def test_logout_is_recorded(client, user, password):
    full_login(client, user.username, password)
    client.post("/logout/", **BROWSER)

    assert AuditEvent.objects.filter(event_type=AuditEventType.LOGOUT, subject=user).exists()


def test_long_user_agent_is_truncated_not_refused(client, user):
    post_login(client, user.username, "wrong", HTTP_USER_AGENT="x" * 5000)

    assert len(login_events().get().user_agent) == 512


def test_audit_rows_cannot_be_changed_through_the_orm(client, user):
    post_login(client, user.username, "wrong")
    event = login_events().get()

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(outcome="success")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert login_events().get().outcome == "failure"


def test_audit_rows_cannot_be_changed_with_sql(client, user):
    post_login(client, user.username, "wrong")
    table = AuditEvent._meta.db_table

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET outcome = 'success'")  # noqa: S608

    assert login_events().get().outcome == "failure"


@pytest.mark.postgres
def test_audit_rows_cannot_be_deleted_with_sql_on_postgres(client, user):
    post_login(client, user.username, "wrong")
    table = AuditEvent._meta.db_table
    before = AuditEvent.objects.count()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    assert AuditEvent.objects.count() == before >= 2


def test_event_types_are_named_in_code_so_a_new_one_needs_no_migration():
    field = AuditEvent._meta.get_field("event_type")

    assert not field.choices
    assert max(len(value) for value in AuditEventType.values) <= field.max_length


@pytest.mark.django_db(transaction=True)
def test_append_only_trigger_installs_and_reverses_on_this_database():
    """The migration operation of both append-only tables: forwards it refuses an UPDATE,
    backwards the table is writable again (a rolled-back migration leaves no trigger)."""
    operation = AppendOnlyTrigger(table="scratch_rows", name="scratch_append_only", message="no")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE scratch_rows (id integer PRIMARY KEY, value integer)")
        cursor.execute("INSERT INTO scratch_rows VALUES (1, 1)")
    try:
        with connection.schema_editor() as editor:
            operation.database_forwards("accounts", editor, ProjectState(), ProjectState())
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE scratch_rows SET value = 2")

        with connection.schema_editor() as editor:
            operation.database_backwards("accounts", editor, ProjectState(), ProjectState())
        with connection.cursor() as cursor:
            cursor.execute("UPDATE scratch_rows SET value = 3")
            cursor.execute("SELECT value FROM scratch_rows")
            assert cursor.fetchone() == (3,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE scratch_rows")
