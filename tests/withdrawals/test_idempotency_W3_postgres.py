"""W3 on PostgreSQL: two tries of one withdrawal under one idempotency key, racing on two
connections, each with an approval of its own (the client reviewed twice, on two
devices), make exactly one ledger row; the other try names it and leaves no trace."""

from __future__ import annotations

import threading

import pytest

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from tests.concurrency import run_at_once
from tests.devices.conftest import make_holder
from tests.factories import give_device
from tests.withdrawals.helpers import device_answer, review
from withdrawals.idempotency import idempotency_key_new
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.services import requests as withdrawal_requests
from withdrawals.services.requests import StepUp, withdrawal_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def two_tries(key: str):
    """A user with two devices, a reviewed request on each, and one call per thread that
    sends the next of them under `key`."""
    user = make_holder("dsc_plus")
    second = give_device(user, "dsc")
    tries = []
    for device_id in (None, second.pk):
        intent, challenge = review(user, "700.00", device_id=device_id)
        tries.append((intent, challenge, device_answer(intent.device, challenge)))
    lock = threading.Lock()

    def call() -> tuple[int, bool]:
        with lock:
            intent, challenge, answer = tries.pop()
        accepted = withdrawal_request(
            user=user,
            account=user.account,
            amount=intent.amount,
            destination=intent.destination,
            step_up=StepUp(intent.token, challenge.pk, answer),
            idempotency_key=key,
            client=SYSTEM,
        )
        return accepted.withdrawal.pk, accepted.repeated

    return user, call


def assert_made_once(user, outcomes) -> None:
    made = Withdrawal.objects.filter(user=user)
    assert made.count() == 1
    assert sorted(outcomes) == [(made.get().pk, False), (made.get().pk, True)]
    intents = WithdrawalIntent.objects.filter(user=user)
    assert intents.filter(used_at__isnull=False).count() == 1, "the other approval unused"
    accepted = AuditEvent.objects.filter(
        event_type=AuditEventType.WITHDRAWAL_ACCEPTED, subject=user
    )
    assert accepted.count() == 1
    assert not AuditEvent.objects.filter(event_type=AuditEventType.WITHDRAWAL_REFUSED).exists()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_W3_two_tries_under_one_key_racing_make_one_withdrawal(round_):
    user, call = two_tries(idempotency_key_new())

    outcomes = run_at_once(call, 2)

    assert_made_once(user, outcomes)


def test_W3_two_tries_past_the_ledger_reads_are_decided_by_the_unique_constraint(
    monkeypatch,
):
    """Without the reads of the ledger, both tries reach the INSERT: PostgreSQL's unique
    index makes the second wait for the first to commit and then refuses it; the second
    try is undone and names the first."""
    monkeypatch.setattr(withdrawal_requests, "already_made_check", lambda **request: None)
    user, call = two_tries(idempotency_key_new())

    outcomes = run_at_once(call, 2)

    assert_made_once(user, outcomes)
