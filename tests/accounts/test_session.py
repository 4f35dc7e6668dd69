"""Sessions: the key rotates at login, pages need a login, logout ends it on the server."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.session_store import SessionStore
from tests.login_helpers import full_login, post_login

pytestmark = pytest.mark.django_db


def test_session_key_rotates_at_login(client, user, password):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key

    full_login(client, user.username, password)

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.parametrize("name", ["accounts:dashboard", "accounts:secure_login"])
def test_portal_pages_require_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_ends_the_session_on_the_server(client, user, password):
    full_login(client, user.username, password)
    key = client.session.session_key

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_logout_needs_post(client, user, password):
    full_login(client, user.username, password)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_dashboard_shows_the_account_summary(client, user, password):
    full_login(client, user.username, password)

    page = client.get(reverse("accounts:dashboard")).content.decode()

    assert user.account.number in page
    assert "100000.00 USD" in page
    assert user.client.name in page


def test_secure_login_page_lists_recent_security_events(client, user, password):
    post_login(client, user.username, "wrong")
    full_login(client, user.username, password)

    page = client.get(reverse("accounts:secure_login")).content.decode()

    assert "Login failed" in page
    assert "Login succeeded" in page


def test_logged_in_user_visiting_login_goes_to_dashboard(client, user, password):
    full_login(client, user.username, password)

    response = client.get(reverse("accounts:login"))

    assert response.status_code == 302


def stored_session(**data) -> SessionStore:
    session = SessionStore()
    session.update(data)
    session.save()
    return session


def statements_of(queries) -> list[str]:
    return [query["sql"].split()[0] for query in queries]


@pytest.mark.django_db(transaction=True)
def test_rotation_renames_the_stored_row_in_one_statement():
    session = stored_session(sls_pending_login={"user_id": 1})
    before = session.session_key

    with CaptureQueriesContext(connection) as queries:
        session.cycle_key()

    assert statements_of(queries) == ["UPDATE"]
    assert session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()
    assert SessionStore(session.session_key).load() == {"sls_pending_login": {"user_id": 1}}


@pytest.mark.django_db(transaction=True)
def test_rotation_of_a_session_never_stored_costs_nothing_until_its_first_save():
    session = SessionStore("x" * 32)
    session["sls_pending_login"] = {"user_id": 1}

    with CaptureQueriesContext(connection) as queries:
        session.cycle_key()
    session.save()

    assert statements_of(queries) == []
    assert session.session_key not in (None, "x" * 32)
    assert SessionStore(session.session_key).load() == {"sls_pending_login": {"user_id": 1}}
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_session_writes_outside_a_transaction_are_one_statement_each():
    session = SessionStore()
    session["owner"] = "me"

    with CaptureQueriesContext(connection) as created:
        session.save()
    session["owner"] = "still me"
    with CaptureQueriesContext(connection) as updated:
        session.save()

    assert statements_of(created) == ["INSERT"]
    assert statements_of(updated) == ["UPDATE"]
    assert SessionStore(session.session_key).load() == {"owner": "still me"}


@pytest.mark.django_db(transaction=True)
def test_rotation_to_a_key_in_use_draws_a_new_one_and_keeps_the_data(monkeypatch):
    taken = stored_session(owner="someone else")
    session = stored_session(owner="me")
    before = session.session_key
    draws = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(draws))

    session.cycle_key()
    session.save()

    assert session.session_key == "k" * 32
    assert SessionStore(taken.session_key).load() == {"owner": "someone else"}
    assert SessionStore("k" * 32).load() == {"owner": "me"}
    assert not Session.objects.filter(session_key=before).exists()


def test_refused_rename_inside_a_transaction_leaves_it_usable(monkeypatch, user):
    taken = stored_session(owner="someone else")
    session = stored_session(owner="me")
    draws = iter([taken.session_key, "t" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(draws))

    with transaction.atomic():
        session.cycle_key()
        session.save()
        user.refresh_from_db()

    assert SessionStore("t" * 32).load() == {"owner": "me"}


@pytest.mark.django_db(transaction=True)
def test_rotation_of_a_session_ended_meanwhile_stores_it_anew():
    session = stored_session(owner="me")
    session.load()
    Session.objects.filter(session_key=session.session_key).delete()

    session.cycle_key()
    session.save()

    assert SessionStore(session.session_key).load() == {"owner": "me"}


@pytest.mark.django_db(transaction=True)
def test_new_session_key_in_use_is_drawn_again(monkeypatch):
    taken = stored_session(owner="someone else")
    draws = iter([taken.session_key, "n" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(draws))

    session = stored_session(owner="me")

    assert session.session_key == "n" * 32
    assert SessionStore(taken.session_key).load() == {"owner": "someone else"}


@pytest.mark.django_db(transaction=True)
def test_saving_a_session_deleted_meanwhile_is_refused():
    session = stored_session(owner="me")
    Session.objects.filter(session_key=session.session_key).delete()
    session["owner"] = "someone"

    with pytest.raises(UpdateError):
        session.save()
