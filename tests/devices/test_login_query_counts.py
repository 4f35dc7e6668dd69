"""The login path's SQL stays flat as a user's devices and history grow: no query per row;
and the statements Django's session engines add to each step, known and counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEventType, AuditOutcome
from accounts.services.audit import audit_record
from tests.factories import UserFactory, give_device
from tests.login_helpers import card_answer, post_login

pytestmark = pytest.mark.django_db


def login_queries(client, user, password) -> tuple[int, int, int]:
    """Queries of the password step (answered with the device step), of the device page
    opened again, as "Use this device" does, and of the answer. Each count is taken as its
    step ends: the next request clears Django's query log."""
    with CaptureQueriesContext(connection) as password_step:
        post_login(client, user.username, password)
    password_count = len(password_step)
    with CaptureQueriesContext(connection) as device_step:
        page = client.get(reverse("devices:login_device"))
    device_count = len(device_step)
    device, challenge = page.context["device"], page.context["challenge"]
    with CaptureQueriesContext(connection) as answer_step:
        response = client.post(
            reverse("devices:login_device"),
            {
                "device": device.pk,
                "challenge": challenge.pk,
                "response": card_answer(device, challenge.value),
            },
        )
    answer_count = len(answer_step)
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    return password_count, device_count, answer_count


def test_L4_login_queries_do_not_grow_with_devices_or_history(client, password):
    small = UserFactory()
    large = UserFactory()
    for _ in range(9):
        give_device(large, "scc")
    for _ in range(300):
        audit_record(
            event_type=AuditEventType.LOGIN_FAILED,
            outcome=AuditOutcome.FAILURE,
            subject=large,
            client=SYSTEM,
        )
    login_queries(client, small, password)

    small_counts = login_queries(client, small, password)
    assert min(small_counts) > 0
    assert small_counts == login_queries(client, large, password)


# Statements on Django's session table in each request of a login and of a page after
# it, per engine; see the docstring below for where each comes from.
SESSION_STATEMENTS = {
    "django.contrib.sessions.backends.db": {
        "login page": [],
        "password": ["SELECT", "INSERT", "UPDATE"],
        "answer": ["SELECT", "SELECT", "INSERT", "SELECT", "DELETE", "UPDATE"],
        "page": ["SELECT", "UPDATE"],
    },
    "django.contrib.sessions.backends.cached_db": {
        "login page": [],
        "password": ["SELECT", "INSERT", "UPDATE"],
        "answer": ["SELECT", "INSERT", "SELECT", "DELETE", "UPDATE"],
        "page": ["UPDATE"],
    },
}


def session_statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"].split()[0] for q in queries.captured_queries if '"django_session"' in q["sql"]]


def test_L4_G6_what_djangos_session_engine_costs_each_login_step(
    session_engine, client, user, password
):
    """The session's own statements, as Django's engines make them:
    - login page: nothing is stored for a visitor without a session.
    - password: the key rotates (G6) on a session never stored, so Django's `create`
      draws a key and checks that no session has it (SELECT), stores the session under
      it (INSERT); the end of the request saves the pending login in it (UPDATE: the
      session is saved on every request, which moves its idle expiry).
    - answer: the session is read (SELECT; from the cache with `cached_db`); login()
      rotates the key: a new key checked (SELECT) and stored (INSERT), the row under the
      old key read and deleted (SELECT, DELETE, as Model.delete does); then the save at
      the end of the request (UPDATE).
    - a page once logged in: read (SELECT; from the cache with `cached_db`) and saved
      (UPDATE). With `cached_db` each write also sets the cache, and the rotation
      deletes the old key from it."""
    expected = SESSION_STATEMENTS[session_engine.__name__]
    counts = {}
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accounts:login"))
    counts["login page"] = session_statements(queries)
    with CaptureQueriesContext(connection) as queries:
        page = post_login(client, user.username, password)
    counts["password"] = session_statements(queries)
    device, challenge = page.context["device"], page.context["challenge"]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("devices:login_device"),
            {
                "device": device.pk,
                "challenge": challenge.pk,
                "response": card_answer(device, challenge.value),
            },
        )
    counts["answer"] = session_statements(queries)
    assert response.status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:dashboard")).status_code == 200
    counts["page"] = session_statements(queries)

    assert counts == expected
