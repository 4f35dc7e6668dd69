"""NIST SP 800-63B AAL2 reauthentication: a portal session ends after 30 minutes idle and
12 hours in all, and a session cookie copied before logout opens nothing afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, AuditEventType
from accounts.session_limits import SESSION_ENDED_MESSAGE, SESSION_SEEN_KEY
from tests.login_helpers import full_login, is_logged_in

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def logged_in(client, clock, user, password):
    assert full_login(client, user.username, password).status_code == 302
    return client


@pytest.mark.parametrize(("idle", "still_in"), [(29, True), (31, False)])
def test_AAL2_session_ends_after_30_minutes_idle(logged_in, clock, idle, still_in):
    clock.shift(dt.timedelta(minutes=idle))

    assert is_logged_in(logged_in) is still_in


def test_AAL2_activity_keeps_the_session_alive_past_30_minutes(logged_in, clock):
    for _ in range(6):
        clock.shift(dt.timedelta(minutes=20))
        assert is_logged_in(logged_in)


@pytest.mark.parametrize(("idle", "still_in"), [(-1, True), (0, False)])
def test_AAL2_idle_end_does_not_rest_on_the_stores_own_expiry(
    client, settings, session_engine, user, password, idle, still_in
):
    """With `cached_db` on Redis the cached copy expires by Redis's clock, and Django does
    not look at the database's expiry date on a cache hit: the time of the last request,
    kept in the session, ends it all the same. Here the store still holds the session and
    only that time says it is idle."""
    full_login(client, user.username, password)
    session = client.session
    key = session.session_key
    session[SESSION_SEEN_KEY] -= settings.SESSION_COOKIE_AGE + idle
    session.save()

    assert is_logged_in(client) is still_in
    assert bool(session_engine.SessionStore(key).load()) is still_in


def _active_until(client: Client, clock, end: dt.timedelta) -> None:
    """Open a page every 20 minutes (never idle for 30) up to 11h40 after the login, then
    jump to `end`, at most 20 minutes later."""
    for _ in range(35):
        clock.shift(dt.timedelta(minutes=20))
        assert is_logged_in(client)
    clock.move_to(START + end)


def test_AAL2_active_session_still_open_at_11h59(logged_in, clock):
    _active_until(logged_in, clock, dt.timedelta(hours=11, minutes=59))

    assert is_logged_in(logged_in)


def test_AAL2_active_session_ends_at_12h01_on_the_server(logged_in, clock, user):
    key = logged_in.session.session_key
    _active_until(logged_in, clock, dt.timedelta(hours=12, minutes=1))

    response = logged_in.get(reverse("accounts:secure_login"))

    assert response.status_code == 302
    login_url = reverse("accounts:login")
    assert response["Location"] == f"{login_url}?next={reverse('accounts:secure_login')}"
    assert not Session.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.filter(event_type=AuditEventType.LOGOUT).get()
    assert event.subject == user
    assert event.detail["reason"] == "session_lifetime"
    page = logged_in.get(response["Location"]).content.decode()
    assert SESSION_ENDED_MESSAGE.split(":")[0] in page
    assert not is_logged_in(logged_in)


def test_AAL2_a_new_login_after_the_end_gets_a_new_12_hours(logged_in, clock, user, password):
    _active_until(logged_in, clock, dt.timedelta(hours=12, minutes=1))
    assert not is_logged_in(logged_in)

    assert full_login(logged_in, user.username, password).status_code == 302
    clock.shift(dt.timedelta(minutes=20))

    assert is_logged_in(logged_in)


def test_logout_makes_a_copied_session_cookie_useless(logged_in, settings):
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = logged_in.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert is_logged_in(stolen)

    logged_in.post(reverse("accounts:logout"))

    assert not is_logged_in(stolen)
    assert stolen.get(reverse("accounts:secure_login")).status_code == 302
