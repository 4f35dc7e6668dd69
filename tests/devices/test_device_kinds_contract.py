"""The contract every device kind keeps at login: the right answer is accepted once; a
wrong or replayed answer is refused with "Login failed" (L5) and counts towards the
lockout (L3); each challenge is single-use (D2). An answer to a challenge that is no longer
open (spent, expired, replaced, another user's) is never checked: the page says so and
nothing is counted (G1)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import LoginFailure
from devices.kinds import KINDS, WithdrawalTier
from tests.devices.conftest import make_holder
from tests.login_helpers import card_answer, device_page, is_logged_in, post_login

pytestmark = pytest.mark.django_db

DEVICE_URL = "devices:login_device"


def open_challenge(client, user, password):
    post_login(client, user.username, password)
    page = device_page(client)
    return page.context["device"], page.context["challenge"]


def submit(client, device, challenge, response):
    return client.post(
        reverse(DEVICE_URL),
        {"device": device.pk, "challenge": challenge.pk, "response": response},
    )


def wrong(answer: str) -> str:
    return answer[:-1] + str((int(answer[-1]) + 1) % 10)


def assert_refused(client, response, user, failures=1):
    assert response.status_code == 200
    assert b"Login failed" in response.content
    assert LoginFailure.objects.filter(user=user).count() == failures
    assert not is_logged_in(client)


def assert_not_checked(client, response, user, failures=0):
    assert response.status_code == 200
    assert b"no longer open" in response.content
    assert b"Login failed" not in response.content
    assert LoginFailure.objects.filter(user=user).count() == failures
    assert not is_logged_in(client)


def test_L4_right_answer_completes_a_verified_login(client, holder, password):
    device, challenge = open_challenge(client, holder, password)

    response = submit(client, device, challenge, card_answer(device, challenge.value))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert is_logged_in(client)
    assert LoginFailure.objects.filter(user=holder).count() == 0


def test_L5_wrong_answer_says_login_failed_and_counts(client, holder, password):
    device, challenge = open_challenge(client, holder, password)

    response = submit(client, device, challenge, wrong(card_answer(device, challenge.value)))

    assert_refused(client, response, holder)


def test_D2_G1_a_challenge_gets_one_try(client, holder, password):
    device, challenge = open_challenge(client, holder, password)
    answer = card_answer(device, challenge.value)
    submit(client, device, challenge, wrong(answer))

    response = submit(client, device, challenge, answer)

    assert_not_checked(client, response, holder, failures=1)


def test_D2_replayed_answer_is_refused(client, holder, password):
    device, challenge = open_challenge(client, holder, password)
    answer = card_answer(device, challenge.value)
    submit(client, device, challenge, answer)
    client.post(reverse("accounts:logout"))

    open_challenge(client, holder, password)
    replay_old_challenge = submit(client, device, challenge, answer)
    assert_not_checked(client, replay_old_challenge, holder)

    fresh = device_page(client).context["challenge"]
    replay_fresh_challenge = submit(client, device, fresh, answer)
    assert_refused(client, replay_fresh_challenge, holder, failures=1)


def test_D2_expired_challenge_is_refused(client, holder, password):
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        device, challenge = open_challenge(client, holder, password)
        answer = card_answer(device, challenge.value)
        clock.shift(dt.timedelta(minutes=3, seconds=1))

        response = submit(client, device, challenge, answer)

    assert_not_checked(client, response, holder)


def test_D2_another_users_challenge_is_refused(client, holder, password):
    card = holder.securitydevice_set.get().authenticator
    other = make_holder(card.kind, card.otp_mode)
    other_client = Client()
    other_device, other_challenge = open_challenge(other_client, other, password)
    other_answer = card_answer(other_device, other_challenge.value)
    own_device, _ = open_challenge(client, holder, password)

    with_their_device = submit(client, other_device, other_challenge, other_answer)
    with_my_device = submit(client, own_device, other_challenge, other_answer)

    assert b"Login failed" in with_their_device.content
    assert b"no longer open" in with_my_device.content
    assert LoginFailure.objects.filter(user=holder).count() == 1
    assert not is_logged_in(client)
    assert submit(other_client, other_device, other_challenge, other_answer).status_code == 302


@pytest.mark.parametrize(
    ("code", "level", "tier"),
    [
        ("dsc_plus", 5, WithdrawalTier.UNLIMITED),
        ("platinum", 5, WithdrawalTier.UNLIMITED),
        ("gold", 5, WithdrawalTier.UNLIMITED),
        ("dsc", 4, WithdrawalTier.DSC),
        ("scc", 2, WithdrawalTier.SCC),
    ],
)
def test_kinds_carry_the_spec_levels_and_tiers(code, level, tier):
    kind = KINDS[code]

    assert (kind.level, kind.withdrawal_tier, kind.temporary) == (level, tier, False)
