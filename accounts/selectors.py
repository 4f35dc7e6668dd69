"""Read-side queries shared by pages, admin and services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from .models import Account, AuditEvent, User


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
