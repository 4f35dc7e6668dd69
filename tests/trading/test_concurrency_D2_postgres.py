"""D2 on the trading channel under real concurrency: the same right answer sent by several
connections at once opens exactly one session; the others are "Login failed" or find the
login finished."""

from __future__ import annotations

import pytest

from accounts.client_info import SYSTEM
from tests.concurrency import run_at_once
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.trading.api import card_reply
from trading.errors import TradingError
from trading.models import TradingSession
from trading.services.login import (
    trading_challenge_issue,
    trading_login_begin,
    trading_second_factor_verify,
)
from trading.services.second_factor import FactorAnswer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 8


def test_D2_simultaneous_identical_answers_open_one_session():
    user = UserFactory()
    begun = trading_login_begin(username=user.username, password=DEFAULT_PASSWORD, client=SYSTEM)
    challenge = trading_challenge_issue(
        login_id=begun.login_id, device_id=None, fallback=False, client=SYSTEM
    )
    answer = FactorAnswer(
        device_id=challenge.device_id,
        challenge_id=challenge.pk,
        response=card_reply({"challenge_id": challenge.pk}),
    )

    def racer() -> str:
        try:
            trading_second_factor_verify(login_id=begun.login_id, answer=answer, client=SYSTEM)
        except TradingError as refusal:
            return refusal.code
        return "opened"

    outcomes = run_at_once(racer, RACERS)

    assert outcomes.count("opened") == 1
    assert set(outcomes) - {"opened"} <= {"challenge_closed", "login_failed", "login_expired"}
    assert TradingSession.objects.count() == 1
