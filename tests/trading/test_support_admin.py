"""Support ends a trading session in the admin (a caller's stolen laptop): the token stops
working at once and the audit trail names the agent."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from tests.factories import StaffFactory
from tests.login_helpers import full_login
from tests.trading.api import card_login, get, token_of
from trading.models import TradingSession
from trading.services.sessions import trading_session_end

pytestmark = pytest.mark.django_db

SESSIONS = "admin:trading_tradingsession_changelist"


def test_support_ends_a_trading_session(client, user, support_agent, password):
    token = token_of(card_login(client, user.username, password))
    agent = support_agent
    desk = Client()
    full_login(desk, agent.username, password)

    listing = desk.get(reverse(SESSIONS))
    response = desk.post(
        reverse(SESSIONS),
        {"action": "end_sessions", "_selected_action": [TradingSession.objects.get().pk]},
        follow=True,
    )

    assert user.username in listing.content.decode()
    assert token not in listing.content.decode()
    assert "Trading sessions ended: 1." in response.content.decode()
    assert get(client, "/me", token).json()["error"] == "session_ended"
    ended = AuditEvent.objects.get(event_type=AuditEventType.TRADING_SESSION_ENDED)
    assert ended.actor == agent
    assert ended.detail["reason"] == "revoked"


def test_staff_without_the_permission_cannot_see_or_end_sessions(client, user, password):
    card_login(client, user.username, password)
    clerk = StaffFactory(username="clerk")
    desk = Client()
    full_login(desk, clerk.username, password)

    assert desk.get(reverse(SESSIONS)).status_code == 403
    response = desk.post(
        reverse(SESSIONS),
        {"action": "end_sessions", "_selected_action": [TradingSession.objects.get().pk]},
    )
    assert response.status_code == 403
    assert TradingSession.objects.get().ended_at is None


def test_sessions_not_ended_have_a_named_filter_choice(client, user, support_agent, password):
    card_login(client, user.username, password)
    card_login(client, user.username, password)
    ended, still_open = TradingSession.objects.order_by("pk")
    trading_session_end(session=ended, reason="logout", client=SYSTEM)
    desk = Client()
    full_login(desk, support_agent.username, password)

    listing = desk.get(reverse(SESSIONS))
    not_ended = desk.get(reverse(SESSIONS), {"end_reason": "none"})
    logged_out = desk.get(reverse(SESSIONS), {"end_reason": "logout"})

    links = re.findall(r'<a href="\?end_reason=([^"]*)">([^<]*)</a>', listing.content.decode())
    assert links == [("none", "Not ended"), ("logout", "logout")]
    assert list(not_ended.context["cl"].result_list) == [still_open]
    assert list(logged_out.context["cl"].result_list) == [ended]
