"""What an account may do given its SLS enrolment (O3, L6, KB1131, KB2545).

The trading channel asks `account_permissions` whether a market may be traded and whether
its login needs the device; the portal asks it about bank and e-mail self-service and the
ACH/EFT cap. One answer for every channel, so the rules cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from accounts.models import Account

# O3: without SLS, ACH and EFT funding stops after an initial USD 20,000 in total.
OPTED_OUT_ACH_EFT_CAP = Decimal("20000.00")


class Market(StrEnum):
    LISTED_STOCKS = "listed_stocks"
    OPTIONS = "options"
    FUTURES = "futures"
    FOREX = "forex"
    PINK_SHEET = "pink_sheet"
    OTCBB = "otcbb"


class Feature(StrEnum):
    """What enrolment buys (KB1131 "Benefits of Enrollment")."""

    HIGHER_WITHDRAWAL_LIMITS = "higher_withdrawal_limits"
    BANK_INSTRUCTIONS_SELF_SERVICE = "bank_instructions_self_service"
    EMAIL_SELF_SERVICE = "email_self_service"
    ACH_EFT_BEYOND_INITIAL = "ach_eft_beyond_initial"
    DEVICE_SHARING = "device_sharing"


# Opted-out accounts expose themselves to more risk and lose these (KB2545, KB1198).
OPTED_OUT_RESTRICTED_MARKETS = frozenset({Market.PINK_SHEET, Market.OTCBB})


@dataclass(frozen=True)
class AccountPermissions:
    sls_enrolled: bool
    markets: frozenset[Market]
    features: frozenset[Feature]
    ach_eft_cap: Decimal | None

    @property
    def trading_login_needs_device(self) -> bool:
        """L6: an opted-out account's trading platform logs in with the password alone;
        the Client Portal asks for the device either way."""
        return self.sls_enrolled

    def allows_market(self, market: Market | str) -> bool:
        return market in self.markets

    def allows(self, feature: Feature) -> bool:
        return feature in self.features

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, for the trading channel's API."""
        return {
            "sls_enrolled": self.sls_enrolled,
            "trading_login_needs_device": self.trading_login_needs_device,
            "markets": {market.value: market in self.markets for market in Market},
            "features": {feature.value: feature in self.features for feature in Feature},
            "ach_eft_cap_usd": None if self.ach_eft_cap is None else str(self.ach_eft_cap),
        }


def account_permissions(account: Account) -> AccountPermissions:
    """The markets and features `account` is allowed, from its opt-out flag alone."""
    if account.sls_opted_out:
        return AccountPermissions(
            sls_enrolled=False,
            markets=frozenset(Market) - OPTED_OUT_RESTRICTED_MARKETS,
            features=frozenset(),
            ach_eft_cap=OPTED_OUT_ACH_EFT_CAP,
        )
    return AccountPermissions(
        sls_enrolled=True, markets=frozenset(Market), features=frozenset(Feature), ach_eft_cap=None
    )
