"""Read-side queries shared by pages, admin and services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from accounts.models import Account, AuditEvent, BankInstruction, Deposit, User
from accounts.permissions import account_permissions


@dataclass(frozen=True)
class AccountSummary:
    account_number: str
    title: str
    base_currency: str
    equity: Decimal
    primary_username: str
    client_name: str
    is_primary_user: bool


def account_summary(user: User) -> AccountSummary | None:
    """The dashboard's account box in one query; None for staff, who hold no account."""
    if user.account_id is None:
        return None
    account = Account.objects.select_related("primary_user").filter(pk=user.account_id).first()
    if account is None:
        return None
    client = user.client
    primary = account.primary_user
    return AccountSummary(
        account_number=account.number,
        title=account.title,
        base_currency=account.base_currency,
        equity=account.equity,
        primary_username=primary.username if primary else "",
        client_name=client.name if client else "",
        is_primary_user=primary is not None and primary.pk == user.pk,
    )


def recent_security_events(user: User, limit: int = 10) -> QuerySet[AuditEvent]:
    """The newest events about this user, for the Secure Login System page."""
    return AuditEvent.objects.filter(subject=user).order_by("-at", "-id")[:limit]


def security_settings_editor(user: User) -> User | None:
    """The user who may change the security settings of `user`'s account: its primary user
    (O1, KB2545). None for staff and for an account without a primary user."""
    if user.account_id is None:
        return None
    return User.objects.filter(primary_of__pk=user.account_id).first()


def can_change_security_settings(user: User) -> bool:
    """O1: only the account's primary user changes its security settings."""
    editor = security_settings_editor(user)
    return editor is not None and editor.pk == user.pk


def bank_instructions_of(user: User) -> BankInstruction | None:
    """The bank instructions of the user's account; None before any are given, or for a
    user without an account."""
    if user.account_id is None:
        return None
    return BankInstruction.objects.filter(account_id=user.account_id).first()


def ach_eft_funded_total(account: Account) -> Decimal:
    """Every accepted ACH and EFT deposit of the account, in USD."""
    total = Deposit.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def ach_eft_still_allowed(account: Account) -> Decimal | None:
    """What the account may still fund by ACH/EFT (O3); None when there is no cap."""
    cap = account_permissions(account).ach_eft_cap
    if cap is None:
        return None
    return max(cap - ach_eft_funded_total(account), Decimal("0.00"))
