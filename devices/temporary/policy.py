"""What a temporary device opens, per channel and day (T2, T3, KB1132 §6-§9). Each
temporary kind declares its windows (`devices.kinds.temporary_passcode`,
`devices.kinds.online_card`); this module counts the device's age and asks its kind.

Each refusal names the KB1132 case that applies and what to do.
"""

from __future__ import annotations

from datetime import datetime

from devices.kinds import FULL, Access, Channel, Scope
from devices.kinds.online_card import ONLINE_CARD_EXPIRED, ONLINE_CARD_FULL_ACCESS
from devices.kinds.temporary_passcode import (
    PASSCODE_CARD_ONLY,
    PASSCODE_EXPIRED,
    PASSCODE_FULL_ACCESS,
    PASSCODE_PORTAL_CARD_ONLY,
    PASSCODE_PORTAL_ONLY,
)
from devices.kinds.windows import TEMPORARY_DEVICE_REVOKED
from devices.models import Authenticator

__all__ = [
    "FULL",
    "ONLINE_CARD_EXPIRED",
    "ONLINE_CARD_FULL_ACCESS",
    "PASSCODE_CARD_ONLY",
    "PASSCODE_EXPIRED",
    "PASSCODE_FULL_ACCESS",
    "PASSCODE_PORTAL_CARD_ONLY",
    "PASSCODE_PORTAL_ONLY",
    "TEMPORARY_DEVICE_REVOKED",
    "Access",
    "Channel",
    "Scope",
    "temporary_access",
    "temporary_full_access_end",
    "temporary_portal_only_end",
    "temporary_window_end",
]


def _start(authenticator: Authenticator) -> datetime:
    return authenticator.activated_at or authenticator.created_at


def temporary_access(*, authenticator: Authenticator, channel: Channel, at: datetime) -> Access:
    """The access a device gives on `channel` at `at`; permanent devices always give full."""
    kind = authenticator.kind_behaviour
    if not kind.temporary:
        return FULL
    return kind.access(age=at - _start(authenticator), channel=channel)


def temporary_full_access_end(authenticator: Authenticator) -> datetime | None:
    """Until when the device opens both channels fully, for support's list: 2 days for a
    passcode (then the portal-only days follow), 21 days for the online card."""
    period = authenticator.kind_behaviour.full_access_period
    return None if period is None else _start(authenticator) + period


def temporary_window_end(authenticator: Authenticator) -> datetime | None:
    """When the device stops opening anything, for support's list of temporary devices."""
    window = authenticator.kind_behaviour.access_window
    return None if window is None else _start(authenticator) + window


def temporary_portal_only_end(authenticator: Authenticator) -> datetime | None:
    """The end of the days after full access in which the device still opens part of the
    portal (a passcode's online-card days); None for a kind without such days."""
    kind = authenticator.kind_behaviour
    if kind.access_window is None or kind.access_window == kind.full_access_period:
        return None
    return _start(authenticator) + kind.access_window
