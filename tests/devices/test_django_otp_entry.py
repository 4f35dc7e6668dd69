"""django-otp's own entry point on the portal's devices: `django_otp.verify_token` checks
an answer to the device's open challenge under the device's and its card's locks (D2)."""

from __future__ import annotations

import django_otp
import pytest

from devices.models import Authenticator
from devices.services.challenges import challenge_issue
from tests.factories import UserFactory
from tests.login_helpers import card_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def device():
    return UserFactory().securitydevice_set.select_related("authenticator").get()


def test_D2_verify_token_accepts_the_answer_to_the_open_challenge_once(device):
    challenge = challenge_issue(device=device, attempt="otp-entry")
    answer = card_answer(device, challenge.value)

    assert django_otp.verify_token(device.user, device.persistent_id, answer) == device
    assert django_otp.verify_token(device.user, device.persistent_id, answer) is None
    challenge.refresh_from_db()
    assert challenge.used_at is not None


def test_D2_verify_token_refuses_a_wrong_answer_and_spends_the_challenge(device):
    challenge = challenge_issue(device=device, attempt="otp-entry")
    right = card_answer(device, challenge.value)

    assert django_otp.verify_token(device.user, device.persistent_id, "00000000") is None
    assert django_otp.verify_token(device.user, device.persistent_id, right) is None


def test_D2_verify_token_refuses_a_lost_card_and_another_users_device(device):
    challenge = challenge_issue(device=device, attempt="otp-entry")
    answer = card_answer(device, challenge.value)

    assert django_otp.verify_token(UserFactory(), device.persistent_id, answer) is None
    Authenticator.objects.filter(pk=device.authenticator_id).update(state=Authenticator.State.LOST)
    assert django_otp.verify_token(device.user, device.persistent_id, answer) is None
