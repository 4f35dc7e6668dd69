"""W3 under real concurrency on PostgreSQL: requests on one account racing on their own
connections never together exceed a limit, and one approval submitted many times at once
makes one withdrawal."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db.models import Sum

from accounts.client_info import SYSTEM
from tests.concurrency import run_at_once
from tests.factories import AccountFactory, UserFactory
from tests.withdrawals.helpers import device_answer, review, withdraw
from withdrawals.models import Withdrawal
from withdrawals.services.refusals import WithdrawalRefused
from withdrawals.services.requests import StepUp, withdrawal_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 20
LIMIT = Decimal("50000.00")  # the "none" row: the account is opted out


def attempt(user, intent, challenge, response):
    def call() -> str:
        try:
            accepted = withdrawal_request(
                user=user,
                account=user.account,
                amount=intent.amount,
                destination=intent.destination,
                step_up=StepUp(intent.token, challenge.pk, response),
                idempotency_key=intent.idempotency_key,
                client=SYSTEM,
            )
        except WithdrawalRefused as refusal:
            return refusal.message
        return "repeated" if accepted.repeated else "accepted"

    return call


def racing(calls):
    """One call per thread: each thread takes the next prepared request."""
    lock, queue = threading.Lock(), list(calls)

    def next_call() -> str:
        with lock:
            call = queue.pop()
        return call()

    return next_call


def test_W3_twenty_users_racing_on_one_account_never_exceed_the_daily_limit():
    account = AccountFactory(sls_opted_out=True)
    users = [UserFactory(account=account) for _ in range(RACERS)]
    withdraw(users[0], "2000.00")  # already used today, by the book
    calls = []
    for user in users:
        intent, challenge = review(user, "3000.00")
        calls.append(attempt(user, intent, challenge, device_answer(intent.device, challenge)))

    outcomes = run_at_once(racing(calls), RACERS)

    total = Withdrawal.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    assert total <= LIMIT
    assert outcomes.count("accepted") == 16  # 2,000 + 16 x 3,000 = 50,000
    assert total == LIMIT
    refusals = [outcome for outcome in outcomes if outcome != "accepted"]
    assert all("Still available: USD 0.00 today" in refusal for refusal in refusals)


def test_W3_one_approval_submitted_twenty_times_at_once_makes_one_withdrawal():
    user = UserFactory()
    intent, challenge = review(user, "700.00")
    call = attempt(user, intent, challenge, device_answer(intent.device, challenge))

    outcomes = run_at_once(call, RACERS)

    assert outcomes.count("accepted") == 1
    assert outcomes.count("repeated") == RACERS - 1  # each waited, then found the first
    assert Withdrawal.objects.filter(account=user.account).count() == 1
