"""A request sent again under its idempotency key (`withdrawals.idempotency`): the
withdrawal it already made is named again, and nothing more is written."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Account, User
from withdrawals.idempotency import KeyReused
from withdrawals.models import Withdrawal


class AlreadyMade(Exception):
    """This request was made already, under its key: `withdrawal` is what it made."""

    def __init__(self, withdrawal: Withdrawal) -> None:
        super().__init__(withdrawal.pk)
        self.withdrawal = withdrawal


def withdrawal_repeated(
    *, user: User, key: str, account: Account, amount: Decimal, destination: str
) -> Withdrawal | None:
    """The withdrawal already made under `key` when this request is that one again; None
    when the key is new. A key already used for another amount, destination or account
    raises KeyReused. One query, on the ledger's unique (user, key) index."""
    withdrawal = (
        Withdrawal.objects.select_related("account").filter(user=user, idempotency_key=key).first()
    )
    if withdrawal is None:
        return None
    if (withdrawal.account_id, withdrawal.amount, withdrawal.destination) != (
        account.pk,
        amount,
        destination,
    ):
        raise KeyReused()
    return withdrawal


def already_made_check(
    *, user: User, key: str, account: Account, amount: Decimal, destination: str
) -> None:
    """Raise AlreadyMade when the ledger holds this request under its key already."""
    withdrawal = withdrawal_repeated(
        user=user, key=key, account=account, amount=amount, destination=destination
    )
    if withdrawal is not None:
        raise AlreadyMade(withdrawal)
