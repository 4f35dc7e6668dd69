"""SMS on the trading channel (S1): the challenge call texts a code, which logs in once;
asking again for the same login is a resend with the portal's limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from devices.gateways.locmem import sent
from tests.factories import UserFactory
from tests.trading.api import ask, begin, verify

pytestmark = pytest.mark.django_db


def last_code() -> str:
    """The code in the last text message, as the phone's owner reads it."""
    return "".join(re.findall(r"\d", sent[-1].body.split("code")[1]))[:6]


@pytest.fixture
def sms_user(db):
    return UserFactory(device="sms")


def test_S1_sms_code_logs_in_on_the_trading_channel(client, sms_user, password):
    login_id = begin(client, sms_user.username, password).json()["login_id"]
    asked = ask(client, login_id).json()

    response = verify(client, login_id, asked, last_code())

    assert len(sent) == 1
    assert response.status_code == 200
    assert response.json()["session"]["device"]["kind"] == "sms"


def test_S1_asking_again_is_a_throttled_resend(client, clock, sms_user, password):
    login_id = begin(client, sms_user.username, password).json()["login_id"]
    ask(client, login_id)
    assert ask(client, login_id).status_code == 200

    too_soon = ask(client, login_id)
    clock.shift(dt.timedelta(seconds=30))
    resent = ask(client, login_id)

    assert too_soon.status_code == 429
    assert too_soon.json()["error"] == "too_many_codes"
    assert resent.status_code == 200
    assert len(sent) == 3
    assert verify(client, login_id, resent.json(), last_code()).status_code == 200
