"""Making a withdrawal (W1-W3): the step-up answer is checked against the one reviewed
request it was issued for, then the account row is locked and both windows are summed
under that lock, so concurrent requests on one account are decided one after another and
never together exceed a limit.

Locks are taken in one order everywhere: the intent, the device, the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, User
from devices.assurance import Action
from devices.flows.device_step import Answer, Refusal, StepOutcome, step_answer
from withdrawals import conf
from withdrawals.amounts import amount_check, destination_clean
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


@dataclass(frozen=True)
class StepUp:
    """The device's answer to the challenge of one reviewed request."""

    intent_token: str
    challenge_id: int | None
    response: str


def withdrawal_request(
    *,
    user: User,
    account: Account,
    amount: Decimal,
    destination: str,
    step_up: StepUp,
    client: ClientInfo,
) -> Withdrawal:
    """The accepted withdrawal, or WithdrawalRefused carrying the client's message. Bad
    input raises ValidationError before anything is recorded."""
    account_check(user=user, account=account)
    amount_check(amount)
    destination = destination_clean(destination)
    with transaction.atomic():
        outcome = _decide(
            user=user,
            account=account,
            amount=amount,
            destination=destination,
            step_up=step_up,
            client=client,
        )
    if isinstance(outcome, WithdrawalRefused):
        raise outcome
    return outcome


def _decide(
    *,
    user: User,
    account: Account,
    amount: Decimal,
    destination: str,
    step_up: StepUp,
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
