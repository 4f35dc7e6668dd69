"""D2 under real concurrency: the same right response submitted by several connections at
the same instant is accepted exactly once."""

from __future__ import annotations

import pytest

from accounts.client_info import SYSTEM
from devices.assurance import Action
from devices.flows.device_step import Answer, step_answer, step_challenge
from tests.concurrency import run_at_once
from tests.devices.conftest import CARDS, make_holder
from tests.login_helpers import card_answer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 8


@pytest.mark.parametrize(("kind", "otp_mode"), CARDS, ids=[kind for kind, _ in CARDS])
def test_D2_simultaneous_identical_responses_are_accepted_once(kind, otp_mode):
    user = make_holder(kind, otp_mode)
    device = user.securitydevice_set.select_related("authenticator").get()
    challenge = step_challenge(action=Action.LOGIN_PORTAL, device=device, attempt="attempt-1")
    answer = card_answer(device, challenge.value)

    outcomes = run_at_once(
        lambda: (
            step_answer(
                user=user,
                action=Action.LOGIN_PORTAL,
                answer=Answer(device_id=device.pk, challenge_id=challenge.pk, response=answer),
                attempt="attempt-1",
                client=SYSTEM,
            ).accepted
        ),
        RACERS,
    )

    assert outcomes.count(True) == 1
    assert outcomes.count(False) == RACERS - 1
