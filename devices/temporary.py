"""What a temporary device opens, per channel and day (T2, T3, KB1132 §6-§9):

- temporary passcode: full access (portal and trading platform) for 2 days; then, for 10
  more days, the portal only, and there only the online security card; then nothing;
- online security card: full access for 21 days; then nothing.

Each refusal names the KB1132 case that applies and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .models import Authenticator

PASSCODE_FULL_ACCESS = timedelta(days=2)
PASSCODE_PORTAL_CARD_ONLY = timedelta(days=12)
ONLINE_CARD_FULL_ACCESS = timedelta(days=21)

PASSCODE_EXPIRED = (
    "Your temporary passcode has expired (KB1132 §6: it gives full access for 2 days, then "
    "10 more days of Client Portal access only to print the online security card). Please "
    "call your regional Client Services Center."
)
PASSCODE_PORTAL_ONLY = (
    "Your temporary passcode no longer opens the trading platform (KB1132 §9). Log in to "
    "Client Portal with it and print or save your online security card: the card gives full "
    "access to both for 21 days."
)
PASSCODE_CARD_ONLY = (
    "Your temporary passcode now opens only the online security card (KB1132 §6). Print or "
    "save the card and log in with it for full access."
)
TEMPORARY_DEVICE_REVOKED = (
    "This temporary device no longer works: your security device was reactivated or a new "
    "temporary passcode was issued. Please log in again with the device you hold now."
)
ONLINE_CARD_EXPIRED = (
    "Your online security card has expired (KB1132 §7: it gives full access for 21 days). "
    "Please call your regional Client Services Center about your permanent security device."
)


class Channel(StrEnum):
    PORTAL = "portal"
    TRADING = "trading"


class Scope(StrEnum):
    FULL = "full"
    ONLINE_CARD_ONLY = "online_card_only"


@dataclass(frozen=True)
class Access:
    scope: Scope | None
    message: str = ""

    @property
    def allowed(self) -> bool:
        return self.scope is not None


FULL = Access(Scope.FULL)


def temporary_access(*, authenticator: Authenticator, channel: Channel, at: datetime) -> Access:
    """The access a device gives on `channel` at `at`; permanent devices always give full."""
    if not authenticator.kind_behaviour.temporary:
        return FULL
    age = at - (authenticator.activated_at or authenticator.created_at)
    if authenticator.kind == "online_card":
        return FULL if age < ONLINE_CARD_FULL_ACCESS else Access(None, ONLINE_CARD_EXPIRED)
    if age < PASSCODE_FULL_ACCESS:
        return FULL
    if age < PASSCODE_PORTAL_CARD_ONLY:
        if channel == Channel.PORTAL:
            return Access(Scope.ONLINE_CARD_ONLY, PASSCODE_CARD_ONLY)
        return Access(None, PASSCODE_PORTAL_ONLY)
    return Access(None, PASSCODE_EXPIRED)


def temporary_full_access_end(authenticator: Authenticator) -> datetime | None:
    """Until when the device opens both channels fully, for support's list: 2 days for a
    passcode (then the portal-only days follow), 21 days for the online card."""
    start = authenticator.activated_at or authenticator.created_at
    if authenticator.kind == "online_card":
        return start + ONLINE_CARD_FULL_ACCESS
    if authenticator.kind == "temporary_passcode":
        return start + PASSCODE_FULL_ACCESS
    return None


def temporary_window_end(authenticator: Authenticator) -> datetime | None:
    """When the device stops opening anything, for support's list of temporary devices."""
    start = authenticator.activated_at or authenticator.created_at
    if authenticator.kind == "online_card":
        return start + ONLINE_CARD_FULL_ACCESS
    if authenticator.kind == "temporary_passcode":
        return start + PASSCODE_PORTAL_CARD_ONLY
    return None
