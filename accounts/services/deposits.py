"""ACH and EFT deposits (O3, KB1131): an opted-out account may fund this way only up to an
initial USD 20,000 in total; an enrolled account has no such cap. The account row is
locked while the total is read and the deposit written, so concurrent deposits cannot
together pass the cap. Amounts are exact decimals in USD, never floats."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, AuditOutcome, Deposit, User
from accounts.permissions import OPTED_OUT_ACH_EFT_CAP
from accounts.selectors import ach_eft_still_allowed
from accounts.services.audit import audit_record

DEPOSIT_MAX = Decimal("1000000000.00")
CENT = Decimal("0.01")


class DepositRefused(ValidationError):
    """Over the opted-out cap; `still_allowed` is what the account may still deposit."""

    def __init__(self, still_allowed: Decimal) -> None:
        self.still_allowed = still_allowed
        super().__init__(
            "Deposit refused: without the Secure Login System, ACH and EFT deposits are "
            f"limited to an initial USD {OPTED_OUT_ACH_EFT_CAP:,.2f} in total. This account "
            f"may still deposit USD {still_allowed:,.2f} by ACH or EFT; opt back in to the "
            "Secure Login System to deposit more.",
            code="ach_eft_cap",
        )


def deposit_request(
    *, user: User, account: Account, amount: Decimal, method: str, client: ClientInfo
) -> Deposit:
    """Accept the deposit, or refuse it with `DepositRefused` (audited) over the cap; bad
    input is a `ValidationError` and writes nothing."""
    _check_amount(amount)
    if method not in Deposit.Method.values:
        raise ValidationError("Choose ACH or EFT.", code="method")
    if user.account_id is None or account.pk != user.account_id:
        raise ValidationError("You can deposit only to your own account.", code="account")
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        still_allowed = ach_eft_still_allowed(account)
        if still_allowed is None or amount <= still_allowed:
            deposit = Deposit.objects.create(
                account=account, user=user, method=method, amount=amount
            )
            _audit(AuditEventType.DEPOSIT_ACCEPTED, user, account, client, amount, method)
            return deposit
        _audit(
            AuditEventType.DEPOSIT_REFUSED,
            user,
            account,
            client,
            amount,
            method,
            still_allowed=str(still_allowed),
        )
    raise DepositRefused(still_allowed)


def _check_amount(amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError("Enter the amount as a number, such as 2500.00.", code="amount")
    if amount <= 0:
        raise ValidationError("The amount must be more than zero.", code="amount")
    if amount > DEPOSIT_MAX:
        raise ValidationError(
            f"The most one deposit can be is USD {DEPOSIT_MAX:,.2f}.", code="amount"
        )
    if amount != amount.quantize(CENT):
        raise ValidationError("Use at most two decimals (cents).", code="amount")


def _audit(
    event_type: AuditEventType,
    user: User,
    account: Account,
    client: ClientInfo,
    amount: Decimal,
    method: str,
    **detail: str,
) -> None:
    audit_record(
        event_type=event_type,
        outcome=(
            AuditOutcome.SUCCESS
            if event_type == AuditEventType.DEPOSIT_ACCEPTED
            else AuditOutcome.FAILURE
        ),
        subject=user,
        actor=user,
        client=client,
        detail={"account": account.number, "amount": str(amount), "method": method, **detail},
    )
