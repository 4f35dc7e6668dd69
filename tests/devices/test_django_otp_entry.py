"""django-otp's own entry point on the portal's devices is closed (G1): every answer goes
through the gate, which knows the challenge's purpose and counts failures towards L3.
`django_otp.verify_token` refuses even the right answer and leaves the challenge open."""

from __future__ import annotations

import django_otp
import pytest

from devices.assurance import Action
from devices.services.challenges import challenge_issue
from tests.factories import UserFactory
from tests.login_helpers import card_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def device():
    return UserFactory().securitydevice_set.select_related("authenticator").get()


def test_G1_D2_verify_token_is_closed_and_spends_nothing(device):
    challenge = challenge_issue(device=device, attempt="otp-entry", purpose=Action.LOGIN_PORTAL)
    answer = card_answer(device, challenge.value)

    assert device.verify_is_allowed()[0] is False
    assert django_otp.verify_token(device.user, device.persistent_id, answer) is None
    challenge.refresh_from_db()
    assert challenge.used_at is None


def test_G1_L3_verify_token_cannot_be_used_to_guess_without_counting(device):
    challenge_issue(device=device, attempt="otp-entry", purpose=Action.LOGIN_PORTAL)

    for _ in range(20):
        assert django_otp.verify_token(device.user, device.persistent_id, "00000000") is None
    device.user.refresh_from_db()
    assert device.user.locked_at is None
    assert device.user.last_failed_login_at is None
