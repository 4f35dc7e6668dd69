"""Fixtures of the trading-channel tests: a clock to walk, and users with devices."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.client_info import SYSTEM
from devices.ib_key.push import push_decide
from tests.devices.ib_key.app import TestApp, install_app
from tests.factories import UserFactory

START = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app_user(db):
    user = UserFactory(device=False)
    return user, install_app(user)


def phone_decide(app: TestApp, push_id: int, method: str = "pin", decision: str = "approve"):
    """The IB Key app: the user types the number shown and approves with PIN or biometrics."""
    from devices.models import PushRequest

    push = PushRequest.objects.get(pk=push_id)
    return push_decide(
        push_id=push.pk,
        installation_id=app.installation_id,
        typed_number=push.number,
        decision=decision,
        method=method,
        signature=app.sign(push.pk, push.number, decision),
        client=SYSTEM,
    )
