"""Refusing a withdrawal: the message the client reads and the audit event it leaves."""

from __future__ import annotations

from decimal import Decimal

from accounts.client_info import ClientInfo
from accounts.dates import day_month_text, day_text
from accounts.models import Account, AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from withdrawals.amounts import destination_masked, usd
from withdrawals.selectors import Capacity

APPROVAL_UNUSABLE = (
    "This approval has already been used or has expired. The withdrawal was not made; "
    "review it again to get a new challenge."
)
APPROVAL_MISMATCH = (
    "This approval was given for another amount, destination or account. The withdrawal "
    "was not made."
)
CHALLENGE_CLOSED = (
    "That challenge is no longer open for this approval; nothing was counted. The "
    "withdrawal was not made; review it again to get a new challenge."
)
WRONG_RESPONSE = (
    "Your security device's answer was not accepted. The withdrawal was not made; review it "
    "again to get a new challenge."
)


class WithdrawalRefused(Exception):
    """A request the rules refuse; `message` is meant for the client."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def over_limit_message(amount: Decimal, capacity: Capacity) -> str:
    """W3: say what is still available in each window, so the client can ask for less."""
    today = (
        "no daily limit"
        if capacity.available_today is None
        else f"{usd(capacity.available_today)} today ({day_text(capacity.business_day)})"
    )
    five_days = (
        "no 5-business-day limit"
        if capacity.available_five_days is None
        else f"{usd(capacity.available_five_days)} over the 5 business days from "
        f"{day_month_text(capacity.window_start)} to {day_text(capacity.business_day)}"
    )
    return (
        f"{usd(amount)} is over your withdrawal limit ({capacity.tier.limits.label} tier: "
        f"{capacity.tier.reason}). Still available: {today}, and {five_days}."
    )


def refusal_record(
    *,
    user: User,
    account: Account,
    amount: Decimal,
    destination: str,
    message: str,
    reason: str,
    client: ClientInfo,
) -> WithdrawalRefused:
    """Write `withdrawal.refused` and hand back the exception for the caller to raise once
    its transaction has committed, so the event outlives the refusal."""
    withdrawal_event_record(
        event_type=AuditEventType.WITHDRAWAL_REFUSED,
        user=user,
        account=account,
        amount=amount,
        destination=destination,
        client=client,
        reason=reason,
    )
    return WithdrawalRefused(message, reason)


def withdrawal_event_record(
    *,
    event_type: AuditEventType,
    user: User,
    account: Account,
    amount: Decimal,
    destination: str,
    client: ClientInfo,
    **detail: object,
) -> None:
    """One shape for every withdrawal event: the account, the amount and the destination,
    masked, so the trail never holds a full bank account number."""
    refused = event_type == AuditEventType.WITHDRAWAL_REFUSED
    audit_record(
        event_type=event_type,
        outcome=AuditOutcome.FAILURE if refused else AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={
            "account": account.number,
            "amount": str(amount),
            "destination": destination_masked(destination),
            **detail,
        },
    )
