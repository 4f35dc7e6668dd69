"""G3 replayed end to end: a card reported lost or damaged ends, at once, every session
and pending login of its users on both channels, its pending pushes and its open
challenges. The thief who logged in with the card keeps nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_DB_PREFIX
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, UserSession
from devices.ib_key.push import push_pending_for_installation
from devices.models import Authenticator, Challenge, PushRequest
from devices.temporary.services import device_report
from tests.devices.ib_key.app import install_app
from tests.devices.ib_key.test_push_login_K2 import complete, decide, push_page
from tests.factories import UserFactory, give_device
from tests.login_helpers import (
    answer_device,
    device_page,
    full_login,
    is_logged_in,
    post_login,
)
from tests.trading.api import ask, begin, card_login, get, token_of

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DEVICES = "admin:devices_authenticator_changelist"


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def card_of(user, kind: str = "dsc_plus") -> Authenticator:
    return Authenticator.objects.get(user_devices__user=user, kind=kind)


def report_in_admin(agent_client: Client, card: Authenticator, action: str = "report_lost"):
    return agent_client.post(
        reverse(DEVICES),
        {"action": action, "_selected_action": [card.pk]},
        follow=True,
    )


def sessions_ended_event(user) -> AuditEvent:
    return AuditEvent.objects.get(event_type=AuditEventType.SESSIONS_ENDED, subject=user)


@pytest.mark.parametrize(
    ("action", "state"), [("report_lost", "lost"), ("report_damaged", "damaged")]
)
def test_G3_T1_lost_card_ends_thiefs_portal_session(
    clock, support_agent, password, action, state, django_capture_on_commit_callbacks
):
    victim = UserFactory(device="dsc_plus", email="victim@example.com")
    thief = Client()
    assert full_login(thief, victim.username, password).status_code == 302
    assert is_logged_in(thief)
    owner = Client()
    assert full_login(owner, victim.username, password).status_code == 302
    clock.shift(dt.timedelta(minutes=3))

    agent = Client()
    assert full_login(agent, support_agent.username, password).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        page = report_in_admin(agent, card_of(victim), action)
    assert f"marked {state}." in page.content.decode()

    for browser in (thief, owner):
        response = browser.get(reverse("accounts:dashboard"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert not UserSession.objects.filter(user=victim).exists()
    event = sessions_ended_event(victim)
    assert event.actor == support_agent
    assert event.detail["reason"] == f"device_{state}"
    assert event.detail["portal_sessions"] == 2
    # The agent's own session is not the victim's and goes on.
    assert agent.get(reverse(DEVICES)).status_code == 200
    (message,) = [m for m in mail.outbox if "reported" in m.subject]
    assert message.to == ["victim@example.com"]
    assert f"was reported {state} on" in message.body


def test_G3_lost_card_deletes_the_session_from_either_engines_store(
    clock, settings, session_engine, support_agent, password
):
    """The session itself is gone from the store, the cache's copy too with `cached_db`:
    the end does not rest on the start-time check alone."""
    victim = UserFactory(device="dsc_plus")
    thief = Client()
    assert full_login(thief, victim.username, password).status_code == 302
    key = thief.cookies[settings.SESSION_COOKIE_NAME].value
    cache = caches[settings.SESSION_CACHE_ALIAS]
    cached = cache.get(f"{CACHED_DB_PREFIX}{key}") is not None
    assert cached is session_engine.__name__.endswith(".cached_db")
    assert Session.objects.filter(session_key=key).exists()
    clock.shift(dt.timedelta(minutes=1))

    device_report(authenticator=card_of(victim), state="lost", agent=support_agent, client=SYSTEM)

    assert cache.get(f"{CACHED_DB_PREFIX}{key}") is None
    assert not Session.objects.filter(session_key=key).exists()
    response = thief.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert sessions_ended_event(victim).detail["portal_sessions"] == 1


def test_G3_session_missed_by_the_index_is_refused_by_its_start_time(
    clock, support_agent, password
):
    """A session that the index does not list (a store other than the database, a row
    lost) still ends: it began before the user's sessions were ended."""
    victim = UserFactory(device="dsc_plus")
    give_device(victim, "scc")
    thief = Client()
    full_login(thief, victim.username, password)
    assert is_logged_in(thief)
    UserSession.objects.all().delete()
    clock.shift(dt.timedelta(minutes=1))

    device_report(authenticator=card_of(victim), state="lost", agent=support_agent, client=SYSTEM)

    assert not is_logged_in(thief)
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.LOGOUT, subject=victim, detail__reason="sessions_ended"
    ).exists()
    # A login begun after the report, with the user's other device, works.
    clock.shift(dt.timedelta(minutes=1))
    fresh = Client()
    post_login(fresh, victim.username, password)
    page = device_page(fresh, victim.securitydevice_set.get(authenticator__kind="scc"))
    assert answer_device(fresh, page=page).status_code == 302
    assert is_logged_in(fresh)


def test_G3_pending_portal_login_cannot_complete(clock, support_agent, password):
    victim = UserFactory(device="dsc_plus")
    scc = give_device(victim, "scc")
    thief = Client()
    post_login(thief, victim.username, password)
    page = device_page(thief, victim.securitydevice_set.get(authenticator__kind="dsc_plus"))
    challenge = page.context["challenge"]
    clock.shift(dt.timedelta(seconds=30))

    device_report(authenticator=card_of(victim), state="lost", agent=support_agent, client=SYSTEM)

    challenge.refresh_from_db()
    assert not challenge.is_open(dt.datetime.now(dt.UTC))
    # Neither the reported card nor the user's other device finishes that login.
    response = device_page(thief, scc)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not is_logged_in(thief)


def test_G3_trading_token_and_pending_trading_login_end(clock, support_agent, password):
    victim = UserFactory(device="dsc_plus")
    trader = Client()
    token = token_of(card_login(trader, victim.username, password))
    login_id = begin(trader, victim.username, password).json()["login_id"]
    clock.shift(dt.timedelta(seconds=30))

    device_report(authenticator=card_of(victim), state="lost", agent=support_agent, client=SYSTEM)

    me = get(trader, "/me", token)
    assert me.status_code == 401
    assert me.json()["error"] == "session_ended"
    assert ask(trader, login_id).json()["error"] == "login_expired"
    event = sessions_ended_event(victim)
    assert event.detail["trading_sessions"] == 1
    assert event.detail["trading_pending_logins"] == 1


def test_G3_pending_push_cannot_be_approved_or_used(clock, support_agent, password):
    victim = UserFactory(device=False)
    app = install_app(victim)
    thief = Client()
    push = push_page(thief, victim, password).context["push"]
    assert push_pending_for_installation(app.installation_id) == [push]
    clock.shift(dt.timedelta(seconds=10))

    device_report(
        authenticator=card_of(victim, "ib_key"), state="lost", agent=support_agent, client=SYSTEM
    )

    push.refresh_from_db()
    assert push.status == PushRequest.Status.PENDING
    assert push.expires_at <= dt.datetime.now(dt.UTC)
    assert push_pending_for_installation(app.installation_id) == []
    with pytest.raises(ValidationError):
        decide(app, push)
    assert not is_logged_in(thief)
    complete(thief, push)
    assert not is_logged_in(thief)
    assert not Challenge.objects.filter(
        device__user=victim, used_at__isnull=True, expires_at__gt=dt.datetime.now(dt.UTC)
    ).exists()
