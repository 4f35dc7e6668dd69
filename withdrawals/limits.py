"""The withdrawal limits table (SPEC §8, KB1131) as data, keyed by the tier every device
kind declares (devices.kinds.base.WithdrawalTier). None means unlimited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from devices.kinds import WithdrawalTier


@dataclass(frozen=True)
class Limits:
    label: str
    per_day: Decimal | None
    per_five_days: Decimal | None


LIMITS: dict[WithdrawalTier, Limits] = {
    WithdrawalTier.NONE: Limits("None", Decimal("50000.00"), Decimal("100000.00")),
    WithdrawalTier.SMS: Limits(
        "SMS or authenticator app", Decimal("200000.00"), Decimal("600000.00")
    ),
    WithdrawalTier.IB_KEY: Limits("IB Key", Decimal("1000000.00"), Decimal("1000000.00")),
    WithdrawalTier.SCC: Limits("Security Code Card", Decimal("200000.00"), Decimal("600000.00")),
    WithdrawalTier.DSC: Limits(
        "Digital Security Card", Decimal("1000000.00"), Decimal("1500000.00")
    ),
    WithdrawalTier.UNLIMITED: Limits("DSC+, Platinum, Gold or security key", None, None),
}
TIER_CHOICES = [(tier.value, limits.label) for tier, limits in LIMITS.items()]
