"""Step-up before a withdrawal (ASVS 7.5.3): a fresh device answer bound to one reviewed
amount, destination and account, used once; a wrong answer counts towards L3 like a
wrong answer at login."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, LoginFailure
from accounts.services.lockout import lockout_is_active
from devices.assurance import Action
from devices.services.challenges import challenge_issue
from devices.temporary.services import passcode_issue
from tests.devices.conftest import make_holder
from tests.factories import UserFactory
from tests.identification_helpers import caller_identified
from tests.withdrawals.helpers import DESTINATION, device_answer, review, send, submit
from withdrawals.idempotency import idempotency_key_new
from withdrawals.models import Withdrawal
from withdrawals.services.intents import (
    NO_APPROVING_DEVICE,
    UNKNOWN_ACCOUNT,
    withdrawal_intent_create,
)
from withdrawals.services.refusals import (
    APPROVAL_MISMATCH,
    APPROVAL_UNUSABLE,
    CHALLENGE_CLOSED,
    WithdrawalRefused,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    return make_holder("dsc_plus")


def test_step_up_right_answer_makes_exactly_the_reviewed_withdrawal(holder):
    intent, challenge = review(holder, "1234.56")

    withdrawal = submit(holder, intent, challenge, device_answer(intent.device, challenge))

    intent.refresh_from_db()
    assert (withdrawal.amount, withdrawal.destination) == (Decimal("1234.56"), DESTINATION)
    assert intent.used_at is not None and intent.withdrawal == withdrawal


def test_step_up_approval_cannot_be_replayed(holder):
    """Under another idempotency key, as a new withdrawal: the approval is spent."""
    intent, challenge = review(holder, "100.00")
    answer = device_answer(intent.device, challenge)
    submit(holder, intent, challenge, answer)

    with pytest.raises(WithdrawalRefused, match="already been used"):
        send(holder, intent, challenge, answer, key=idempotency_key_new())

    assert Withdrawal.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "destination"), [("100000.00", None), (None, "DE89370400440532013000")]
)
def test_step_up_approval_is_bound_to_amount_and_destination(holder, amount, destination):
    intent, challenge = review(holder, "100.00")
    answer = device_answer(intent.device, challenge)

    with pytest.raises(WithdrawalRefused) as refusal:
        submit(holder, intent, challenge, answer, amount=amount, destination=destination)
    with pytest.raises(WithdrawalRefused, match="already been used"):
        submit(holder, intent, challenge, answer)

    assert refusal.value.message == APPROVAL_MISMATCH
    assert Withdrawal.objects.count() == 0


def test_step_up_answer_for_one_request_does_not_approve_another(holder):
    first, first_challenge = review(holder, "100.00")
    first_answer = device_answer(first.device, first_challenge)
    second, second_challenge = review(holder, "90000.00")

    with pytest.raises(WithdrawalRefused) as refusal:
        submit(holder, second, first_challenge, first_answer)
    with pytest.raises(WithdrawalRefused):
        submit(holder, first, first_challenge, first_answer)  # closed by the newer challenge

    assert refusal.value.message == CHALLENGE_CLOSED
    assert Withdrawal.objects.count() == 0


def test_step_up_login_challenge_cannot_approve_a_withdrawal(holder):
    intent, _ = review(holder, "100.00")
    login_challenge = challenge_issue(
        device=intent.device, attempt="a-login-attempt", purpose=Action.LOGIN_PORTAL
    )

    with pytest.raises(WithdrawalRefused):
        submit(holder, intent, login_challenge, device_answer(intent.device, login_challenge))

    assert Withdrawal.objects.count() == 0


def test_step_up_expires_with_its_challenge(holder):
    with time_machine.travel("2026-11-16 15:00Z", tick=False) as traveller:
        intent, challenge = review(holder, "100.00")
        traveller.shift(timedelta(minutes=4))
        with pytest.raises(WithdrawalRefused) as refusal:
            submit(holder, intent, challenge, device_answer(intent.device, challenge))

    assert refusal.value.message == APPROVAL_UNUSABLE


def test_step_up_wrong_answer_counts_towards_L3_lockout(holder):
    for _ in range(10):
        intent, challenge = review(holder, "100.00")
        with pytest.raises(WithdrawalRefused, match="not accepted"):
            submit(holder, intent, challenge, "00000000")

    holder.refresh_from_db()
    assert LoginFailure.objects.filter(user=holder).count() == 10
    assert lockout_is_active(user=holder, at=holder.last_failed_login_at)
    assert AuditEvent.objects.filter(detail__step="withdraw").count() == 10
    assert Withdrawal.objects.count() == 0


def test_step_up_another_users_account_reads_as_unknown(holder):
    other = UserFactory()

    with pytest.raises(ValidationError) as error:
        withdrawal_intent_create(
            user=holder,
            account=other.account,
            amount=Decimal("1.00"),
            destination=DESTINATION,
            device_id=None,
            client=SYSTEM,
        )

    assert error.value.messages == [UNKNOWN_ACCOUNT]


def test_step_up_uses_the_chosen_device_among_several():
    user = make_holder("scc")
    dsc_plus = make_holder("dsc_plus")  # a stranger's device id is ignored
    scc = user.securitydevice_set.get()

    intent, _ = review(user, "10.00", device_id=scc.pk)
    other, _ = review(user, "10.00", device_id=dsc_plus.securitydevice_set.get().pk)

    assert intent.device == scc and other.device == scc


def test_step_up_T2_passcode_past_two_days_cannot_approve(support_agent):
    user = UserFactory(device=False)
    with time_machine.travel("2026-11-16 15:00Z", tick=False) as traveller:
        passcode_issue(
            user=user,
            agent=support_agent,
            identification=caller_identified(user, support_agent),
            reason="lost",
            client=SYSTEM,
        )
        traveller.shift(timedelta(days=3))
        with pytest.raises(ValidationError) as error:
            review(user, "10.00")

    assert error.value.messages == [NO_APPROVING_DEVICE]
