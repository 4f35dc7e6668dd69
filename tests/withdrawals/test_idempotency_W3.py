"""W3: a withdrawal is made once, whatever its retries. Each request carries an idempotency
key; sent again under it (after a lost answer, through a new review) it names the
withdrawal already made and writes nothing; the key sent for another request is refused and
changes nothing; and the whole withdrawal is one transaction, so a failure after its first
write leaves no trace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent
from devices.models import Challenge
from tests.devices.conftest import make_holder
from tests.withdrawals.helpers import DESTINATION, device_answer, review, send
from withdrawals.idempotency import KeyReused, idempotency_key_check, idempotency_key_new
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.services import requests as withdrawal_requests
from withdrawals.services.intents import withdrawal_intent_create
from withdrawals.services.refusals import WithdrawalRefused
from withdrawals.services.repeats import AlreadyMade
from withdrawals.services.requests import StepUp, withdrawal_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    return make_holder("dsc_plus")


def answered(user, amount="100.00", destination=DESTINATION):
    """A reviewed request and the right answer to its challenge."""
    intent, challenge = review(user, amount, destination)
    return intent, challenge, device_answer(intent.device, challenge)


def trail() -> list[tuple[str, dict]]:
    return list(AuditEvent.objects.order_by("pk").values_list("event_type", "detail"))


def untouched(intent: WithdrawalIntent, challenge: Challenge) -> bool:
    """Nothing was written for this request: its approval and challenge are still open."""
    intent.refresh_from_db()
    challenge.refresh_from_db()
    return intent.used_at is None and intent.withdrawal_id is None and challenge.used_at is None


def test_W3_accepted_withdrawal_is_in_the_ledger_under_its_key(holder):
    intent, challenge, answer = answered(holder)

    accepted = send(holder, intent, challenge, answer, key="client-chosen-key-0001")

    assert not accepted.repeated
    assert accepted.withdrawal.idempotency_key == "client-chosen-key-0001"


def test_W3_the_same_request_sent_again_names_the_first_withdrawal_and_writes_nothing(holder):
    intent, challenge, answer = answered(holder)
    first = send(holder, intent, challenge, answer)
    before = trail()

    again = send(holder, intent, challenge, answer)

    assert again.repeated and again.withdrawal == first.withdrawal
    assert Withdrawal.objects.count() == 1
    assert trail() == before, "no second event, not even a refusal"


def test_W3_a_new_review_sent_under_a_used_key_makes_nothing(holder):
    """The client lost the answer, reviewed again and answered the new challenge, sending
    the key of the first try: the first withdrawal is the answer, and the new approval
    is left unused."""
    key = idempotency_key_new()
    intent, challenge, answer = answered(holder)
    first = send(holder, intent, challenge, answer, key=key)
    retry, retry_challenge, retry_answer = answered(holder)
    before = trail()

    again = send(holder, retry, retry_challenge, retry_answer, key=key)

    assert again.repeated and again.withdrawal == first.withdrawal
    assert Withdrawal.objects.count() == 1
    assert trail() == before
    assert untouched(retry, retry_challenge)


@pytest.mark.parametrize(
    ("amount", "destination"),
    [("100.01", DESTINATION), ("100.00", "DE89370400440532013000")],
    ids=["another amount", "another destination"],
)
def test_W3_a_key_sent_with_another_request_is_refused_and_changes_nothing(
    holder, amount, destination
):
    key = idempotency_key_new()
    intent, challenge, answer = answered(holder)
    send(holder, intent, challenge, answer, key=key)
    other, other_challenge, other_answer = answered(holder, amount, destination)
    before = trail()

    with pytest.raises(KeyReused):
        send(holder, other, other_challenge, other_answer, key=key)

    assert Withdrawal.objects.count() == 1
    assert trail() == before
    assert untouched(other, other_challenge)


def test_W3_keys_belong_to_their_user(holder):
    """Another user's key is a new key here: it neither blocks nor reveals anything."""
    key = idempotency_key_new()
    stranger = make_holder("dsc_plus")
    send(stranger, *answered(stranger), key=key)
    intent, challenge, answer = answered(holder)

    accepted = send(holder, intent, challenge, answer, key=key)

    assert not accepted.repeated and accepted.withdrawal.user == holder
    assert Withdrawal.objects.filter(idempotency_key=key).count() == 2


def test_W3_the_ledger_holds_a_users_key_once(holder):
    row = {
        "user": holder,
        "account": holder.account,
        "amount": Decimal("1.00"),
        "destination": DESTINATION,
        "tier": "unlimited",
        "tier_reason": "test",
        "business_day": date(2026, 11, 16),
    }
    Withdrawal.objects.create(**row, idempotency_key="the-same-key-twice")
    Withdrawal.objects.create(**row)  # rows from before keys: any number without one
    Withdrawal.objects.create(**row)

    with pytest.raises(IntegrityError), transaction.atomic():
        Withdrawal.objects.create(**row, idempotency_key="the-same-key-twice")

    assert Withdrawal.objects.count() == 3


def test_W3_a_twin_committed_after_both_reads_is_caught_by_the_unique_constraint(
    holder, monkeypatch
):
    """Two tries under one key, the second past both reads of the ledger before the first
    committed (the reads are skipped here to stand for that): the constraint refuses the
    second row, everything the second try wrote is undone, and it names the first."""
    key = idempotency_key_new()
    intent, challenge, answer = answered(holder)
    first = send(holder, intent, challenge, answer, key=key)
    twin, twin_challenge, twin_answer = answered(holder)
    before = trail()
    monkeypatch.setattr(withdrawal_requests, "already_made_check", lambda **request: None)

    again = send(holder, twin, twin_challenge, twin_answer, key=key)

    assert again.repeated and again.withdrawal == first.withdrawal
    assert Withdrawal.objects.count() == 1
    assert trail() == before
    assert untouched(twin, twin_challenge)


def test_W3_a_failure_after_the_ledger_row_leaves_nothing(holder, monkeypatch):
    """A worker dying between the row and its event stands for here as an exception
    there: the row, the used approval and the answered challenge go with it."""
    intent, challenge, answer = answered(holder)
    before = trail()

    def fail(**event):
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(withdrawal_requests, "withdrawal_event_record", fail)
    with pytest.raises(RuntimeError):
        send(holder, intent, challenge, answer)

    assert not Withdrawal.objects.exists()
    assert trail() == before
    assert untouched(intent, challenge)
    monkeypatch.undo()
    assert not send(holder, intent, challenge, answer).repeated, "the retry makes it, once"
    assert Withdrawal.objects.count() == 1


def test_W3_a_review_sent_again_after_its_withdrawal_names_it(holder):
    """The portal's form resubmitted under its key once the withdrawal is made: no new
    approval, no new challenge, no event."""
    key = idempotency_key_new()
    intent, challenge = review_under(holder, key)
    made = send(holder, intent, challenge, device_answer(intent.device, challenge)).withdrawal
    before = (WithdrawalIntent.objects.count(), Challenge.objects.count(), trail())

    with pytest.raises(AlreadyMade) as already:
        review_under(holder, key)

    assert already.value.withdrawal == made
    assert (WithdrawalIntent.objects.count(), Challenge.objects.count(), trail()) == before


def test_W3_a_review_under_a_key_used_for_another_request_is_refused(holder):
    key = idempotency_key_new()
    intent, challenge = review_under(holder, key)
    send(holder, intent, challenge, device_answer(intent.device, challenge))

    with pytest.raises(KeyReused):
        review_under(holder, key, amount="99.00")

    assert WithdrawalIntent.objects.count() == 1


def test_W3_a_refused_request_leaves_its_key_free(holder):
    """Only a made withdrawal holds its key: a request refused (here, a wrong answer) can
    be corrected and sent again under the same key."""
    key = idempotency_key_new()
    intent, challenge = review_under(holder, key)
    with pytest.raises(WithdrawalRefused):
        send(holder, intent, challenge, "00000000")
    intent, challenge = review_under(holder, key)

    accepted = send(holder, intent, challenge, device_answer(intent.device, challenge))

    assert not accepted.repeated and accepted.withdrawal.idempotency_key == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short-key",
        "k" * 65,
        "a-key-with-a-nul\x00-in-it",
        "a-key-with-a-tab\t-in-it",
        "a-key-with-a-newline\n",
        "a key with spaces in it",
        "ключ-не-из-ascii-букв",
        "１２３４５６７８９０１２３４５６",
        12345678901234567890,
        None,
        ["a-list-is-not-a-key-at-all"],
    ],
)
def test_W3_anything_but_a_key_is_refused_before_anything_is_recorded(holder, key):
    intent, challenge, answer = answered(holder)
    before = trail()

    with pytest.raises(ValidationError) as error:
        withdrawal_request(
            user=holder,
            account=holder.account,
            amount=intent.amount,
            destination=intent.destination,
            step_up=StepUp(intent.token, challenge.pk, answer),
            idempotency_key=key,
            client=SYSTEM,
        )

    assert error.value.code == "idempotency_key_format"
    assert not Withdrawal.objects.exists()
    assert trail() == before
    assert untouched(intent, challenge)


def test_W3_keys_drawn_for_the_form_are_valid_and_new_each_time():
    keys = {idempotency_key_new() for _ in range(100)}

    assert len(keys) == 100
    assert all(len(key) == 32 and idempotency_key_check(key) == key for key in keys)


def review_under(user, key: str, amount: str = "100.00"):
    """A review as the portal's form sends it, with its key."""
    return withdrawal_intent_create(
        user=user,
        account=user.account,
        amount=Decimal(amount),
        destination=DESTINATION,
        device_id=None,
        client=SYSTEM,
        idempotency_key=key,
    )
