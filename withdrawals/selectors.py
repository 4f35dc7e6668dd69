"""Read side of withdrawals: the tier that applies (W1), what the rolling windows still
allow (W2), and the client's history. The portal page, the trading API and the service
that accepts a withdrawal all read through these, so they never disagree.

The capacity check costs three queries whatever the ledger holds: the user's active
devices, then one aggregate over the (account, business_day) index for both windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from accounts.models import Account, User
from devices.kinds import WithdrawalTier
from devices.selectors import active_devices
from withdrawals.calendar import business_day_of, window_start
from withdrawals.limits import LIMITS, Limits
from withdrawals.models import Withdrawal

ZERO = Decimal("0.00")
OPTED_OUT = "the account is opted out of the Secure Login System"
NO_PERMANENT_DEVICE = "no active permanent security device"
APPROVED_WITH_TEMPORARY = "approved with a temporary device"


@dataclass(frozen=True)
class TierChoice:
    """The row of the table that applies, and why (which device, or why none)."""

    tier: WithdrawalTier
    reason: str

    @property
    def limits(self) -> Limits:
        return LIMITS[self.tier]


@dataclass(frozen=True)
class Capacity:
    """Both windows at one moment. `available_*` is None when the window is unlimited."""

    tier: TierChoice
    business_day: date
    window_start: date
    used_today: Decimal
    used_five_days: Decimal
    available_today: Decimal | None
    available_five_days: Decimal | None

    @property
    def available(self) -> Decimal | None:
        """The most a withdrawal may be now: the smaller of the two windows' room."""
        rooms = [r for r in (self.available_today, self.available_five_days) if r is not None]
        return min(rooms) if rooms else None

    def allows(self, amount: Decimal) -> bool:
        return self.available is None or amount <= self.available


def withdrawal_tier_for(
    user: User, account: Account, cap: WithdrawalTier | None = None
) -> TierChoice:
    """W1: the tier of the user's strongest device active now (the moment of the request);
    the "none" row when the account is opted out, the user holds only temporary devices or
    none, or the approving answer is held to it (`cap`, from the gate: a temporary device's
    answer, G5). Devices' state is current state, so the tier follows device changes at
    once."""
    if account.sls_opted_out:
        return TierChoice(WithdrawalTier.NONE, OPTED_OUT)
    if cap == WithdrawalTier.NONE:
        return TierChoice(WithdrawalTier.NONE, APPROVED_WITH_TEMPORARY)
    for device in active_devices(user):
        kind = device.authenticator.kind_behaviour
        if not kind.temporary:
            return TierChoice(
                kind.withdrawal_tier, f"{kind.label}, serial {device.authenticator.serial}"
            )
    return TierChoice(WithdrawalTier.NONE, NO_PERMANENT_DEVICE)


def withdrawal_capacity(
    user: User, account: Account, at: datetime, cap: WithdrawalTier | None = None
) -> Capacity:
    """What `user` may still withdraw from `account` at `at` under both windows (W2),
    approved by an answer held to `cap` if any."""
    tier = withdrawal_tier_for(user, account, cap)
    today = business_day_of(at)
    start = window_start(today)
    used = Withdrawal.objects.filter(
        account=account, business_day__gte=start, business_day__lte=today
    ).aggregate(today=Sum("amount", filter=Q(business_day=today)), five=Sum("amount"))
    used_today, used_five = used["today"] or ZERO, used["five"] or ZERO
    return Capacity(
        tier=tier,
        business_day=today,
        window_start=start,
        used_today=used_today,
        used_five_days=used_five,
        available_today=_room(tier.limits.per_day, used_today),
        available_five_days=_room(tier.limits.per_five_days, used_five),
    )


def withdrawal_history(user: User) -> QuerySet[Withdrawal]:
    """The ledger of the user's account, newest first, read-only for the client."""
    if user.account_id is None:
        return Withdrawal.objects.none()
    return Withdrawal.objects.filter(account_id=user.account_id).select_related("user")


def _room(limit: Decimal | None, used: Decimal) -> Decimal | None:
    """Never negative: a lower tier after a device change can leave nothing, not less."""
    if limit is None:
        return None
    return max(limit - used, ZERO)
