"""The trading login's SQL stays flat as a user's devices and history grow (L4's habit on
the portal): no query per device, per audit event or per earlier session."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.client_info import SYSTEM
from accounts.models import AuditEventType, AuditOutcome
from accounts.services.audit import audit_record
from tests.factories import UserFactory, give_device
from tests.trading.api import ask, begin, card_reply, get, post

pytestmark = pytest.mark.django_db


def api_login_queries(client, user, password) -> tuple[int, ...]:
    """Queries of each call: password, challenge, answer, one authenticated call, logout."""
    counts = []
    with CaptureQueriesContext(connection) as step:
        login_id = begin(client, user.username, password).json()["login_id"]
    counts.append(len(step))
    with CaptureQueriesContext(connection) as step:
        asked = ask(client, login_id).json()
    counts.append(len(step))
    answer = card_reply(asked)
    with CaptureQueriesContext(connection) as step:
        token = post(
            client,
            "/login/verify",
            {
                "login_id": login_id,
                "device_id": asked["device_id"],
                "challenge_id": asked["challenge_id"],
                "response": answer,
            },
        ).json()["token"]
    counts.append(len(step))
    with CaptureQueriesContext(connection) as step:
        assert get(client, "/me", token).status_code == 200
    counts.append(len(step))
    with CaptureQueriesContext(connection) as step:
        post(client, "/logout", token=token)
    counts.append(len(step))
    return tuple(counts)


def test_L4_trading_login_queries_do_not_grow_with_devices_or_history(client, password):
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
    for _ in range(3):
        api_login_queries(client, large, password)
    api_login_queries(client, small, password)

    small_counts = api_login_queries(client, small, password)
    assert min(small_counts) > 0
    assert small_counts == api_login_queries(client, large, password)
