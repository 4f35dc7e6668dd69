"""Sessions: the key rotates at login, pages need a login, logout ends it on the server.
Sessions are Django's own (`db`, or `cached_db` with Redis); a rotation of a logged-in
session's key keeps it in the index that ends all of a user's sessions (G3)."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import UserSession
from accounts.services.sessions import session_key_rotate, user_session_record
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


def test_G3_G6_rotating_a_logged_in_session_moves_its_place_in_the_index(session_engine, user):
    session = session_engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session.save()
    before = session.session_key
    user_session_record(user=user, session_key=before)

    session_key_rotate(session=session)
    session.save()

    assert session.session_key != before
    assert session_engine.SessionStore(before).load() == {}
    assert session_engine.SessionStore(session.session_key).load() == {SESSION_KEY: str(user.pk)}
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [session.session_key]


def test_G6_rotating_a_session_not_logged_in_leaves_the_index_alone(session_engine, user):
    user_session_record(user=user, session_key="k" * 32)
    session = session_engine.SessionStore()
    session["sls_pending_login"] = {"user_id": user.pk}
    session.save()
    before = session.session_key

    session_key_rotate(session=session)
    session.save()

    assert session_engine.SessionStore(before).load() == {}
    assert session_engine.SessionStore(session.session_key).load() == {
        "sls_pending_login": {"user_id": user.pk}
    }
    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["k" * 32]
