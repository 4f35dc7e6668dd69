"""Making a withdrawal (W1-W3): the step-up answer is checked against the one reviewed
request it was issued for, then the account row is locked and both windows are summed
under that lock, so concurrent requests on one account are decided one after another and
never together exceed a limit.

Locks are taken in one order everywhere: the intent, the device, the account.

Every request carries an idempotency key (`withdrawals.idempotency`), and the whole of it
(the approval used, the device's answer, the ledger row, the audit event) is one
transaction. The ledger is read under the key once the intent is locked, where a second
submit of one approval waits for the first to commit, and again once the account is,
where two approvals sent under one key wait for each other; the ledger's unique (user,
key) constraint refuses a second row in any case. A request found to have been made
already is undone and names the withdrawal made: no second row, no second event, and its
approval is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, User
from devices.assurance import Action
from devices.flows.device_step import Answer, Refusal, StepOutcome, step_answer
from withdrawals import conf
from withdrawals.amounts import amount_check, destination_clean
from withdrawals.idempotency import idempotency_key_check
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.selectors import withdrawal_capacity
from withdrawals.services.intents import account_check
from withdrawals.services.refusals import (
    APPROVAL_MISMATCH,
    APPROVAL_UNUSABLE,
    CHALLENGE_CLOSED,
    WRONG_RESPONSE,
    WithdrawalRefused,
    over_limit_message,
    refusal_record,
    withdrawal_event_record,
)
from withdrawals.services.repeats import AlreadyMade, already_made_check, withdrawal_repeated


@dataclass(frozen=True)
class StepUp:
    """The device's answer to the challenge of one reviewed request."""

    intent_token: str
    challenge_id: int | None
    response: str


@dataclass(frozen=True)
class Accepted:
    """An accepted withdrawal. `repeated`: it was made earlier under the same idempotency
    key, and this request, which wrote nothing, only names it again."""

    withdrawal: Withdrawal
    repeated: bool = False


def withdrawal_request(
    *,
    user: User,
    account: Account,
    amount: Decimal,
    destination: str,
    step_up: StepUp,
    idempotency_key: str,
    client: ClientInfo,
) -> Accepted:
    """The accepted withdrawal, or WithdrawalRefused carrying the client's message. Bad
    input raises ValidationError before anything is recorded; a key already used for
    another request raises KeyReused, and nothing is recorded either."""
    account_check(user=user, account=account)
    amount_check(amount)
    destination = destination_clean(destination)
    key = idempotency_key_check(idempotency_key)
    try:
        with transaction.atomic():
            outcome = _decide(
                user=user,
                account=account,
                amount=amount,
                destination=destination,
                step_up=step_up,
                key=key,
                client=client,
            )
    except AlreadyMade as made:
        return Accepted(made.withdrawal, repeated=True)
    except IntegrityError:
        # The unique (user, key) constraint refused this row: a request under the same
        # key committed after both reads of the ledger. Everything this one wrote is
        # undone with its transaction (a savepoint in a caller's); the first is the answer.
        withdrawal = withdrawal_repeated(
            user=user, key=key, account=account, amount=amount, destination=destination
        )
        if withdrawal is None:
            raise
        return Accepted(withdrawal, repeated=True)
    if isinstance(outcome, WithdrawalRefused):
        raise outcome
    return Accepted(outcome)


def _decide(
    *,
    user: User,
    account: Account,
    amount: Decimal,
    destination: str,
    step_up: StepUp,
    key: str,
    client: ClientInfo,
) -> Withdrawal | WithdrawalRefused:
    """Every refusal is recorded and returned, not raised, so that it commits with the
    used approval and the L3 failure it may have counted."""
    now = timezone.now()

    def refuse(message: str, reason: str) -> WithdrawalRefused:
        return refusal_record(
            user=user,
            account=account,
            amount=amount,
            destination=destination,
            message=message,
            reason=reason,
            client=client,
        )

    intent = (
        WithdrawalIntent.objects.select_for_update()
        .filter(token=step_up.intent_token, user=user)
        .first()
    )
    already_made_check(user=user, key=key, account=account, amount=amount, destination=destination)
    if intent is None or not intent.is_open(now):
        return refuse(APPROVAL_UNUSABLE, "approval_unusable")
    intent.used_at = now
    intent.save(update_fields=["used_at"])
    if (intent.account_id, intent.amount, intent.destination) != (account.pk, amount, destination):
        return refuse(APPROVAL_MISMATCH, "approval_mismatch")
    outcome = step_answer(
        user=user,
        action=Action.WITHDRAW,
        answer=Answer(
            device_id=intent.device_id,
            challenge_id=step_up.challenge_id,
            response=step_up.response,
        ),
        attempt=intent.attempt,
        client=client,
    )
    if not outcome.accepted:
        return refuse(_refusal_message(outcome), str(outcome.refusal))

    account = Account.objects.select_for_update().get(pk=account.pk)
    already_made_check(user=user, key=key, account=account, amount=amount, destination=destination)
    capacity = withdrawal_capacity(user, account, now, outcome.withdrawal_cap)
    if not capacity.allows(amount):
        return refuse(over_limit_message(amount, capacity), "over_limit")
    withdrawal = Withdrawal.objects.create(
        user=user,
        account=account,
        amount=amount,
        currency=conf.CURRENCY,
        destination=destination,
        tier=capacity.tier.tier.value,
        tier_reason=capacity.tier.reason,
        business_day=capacity.business_day,
        created_at=now,
        idempotency_key=key,
    )
    intent.withdrawal = withdrawal
    intent.save(update_fields=["withdrawal"])
    withdrawal_event_record(
        event_type=AuditEventType.WITHDRAWAL_ACCEPTED,
        user=user,
        account=account,
        amount=amount,
        destination=destination,
        client=client,
        tier=withdrawal.tier,
        business_day=withdrawal.business_day.isoformat(),
        withdrawal=withdrawal.pk,
    )
    return withdrawal


def _refusal_message(outcome: StepOutcome) -> str:
    """The gate's refusal in the words of a withdrawal, which is reviewed again from the
    start rather than answered again."""
    if outcome.refusal == Refusal.CHALLENGE_CLOSED:
        return CHALLENGE_CLOSED
    return outcome.message or WRONG_RESPONSE
