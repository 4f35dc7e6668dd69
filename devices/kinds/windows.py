"""What a device opens on each channel at a given age: the vocabulary of the access windows
that temporary kinds declare (T2, T3, KB1132 §6-§9). Permanent kinds open everything."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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

TEMPORARY_DEVICE_REVOKED = (
    "This temporary device no longer works: your security device was reactivated or a new "
    "temporary passcode was issued. Please log in again with the device you hold now."
)
