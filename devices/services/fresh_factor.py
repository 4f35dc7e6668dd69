"""A fresh second factor: the logged-in user answers the device again before a sensitive
change (opting out of SLS, new bank instructions, a new e-mail address; O2, O3).

A session verified at login is not enough for these: whoever sits at an unlocked browser
could otherwise make them. The answer goes through the gate like every other (G1), for the
change's own action of the assurance table, so a wrong one counts towards the L3 lockout
just as at login, and a device that may not approve the change (a temporary one, for most)
answers nothing. Services that need it take the `FreshFactor` and call
`fresh_factor_require` with their action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from devices.assurance import Action
from devices.flows.device_step import StepOutcome

# Long enough to submit the page that asked for it, too short to keep in a pocket.
FRESH_FACTOR_TTL = timedelta(minutes=5)
FRESH_FACTOR_NEEDED = "A fresh answer from your security device is needed for this change."


@dataclass(frozen=True)
class FreshFactor:
    """Proof that `user_id` answered device `device_id` for `action` at `verified_at`."""

    user_id: int
    device_id: int
    action: Action
    verified_at: datetime

    @classmethod
    def from_outcome(cls, outcome: StepOutcome, *, user: User) -> FreshFactor | None:
        if outcome.refusal is not None or outcome.device is None:
            return None
        return cls(
            user_id=user.pk,
            device_id=outcome.device.pk,
            action=outcome.action,
            verified_at=timezone.now(),
        )

    def covers(self, *, user: User, action: Action, at: datetime) -> bool:
        return (
            self.user_id == user.pk
            and self.action == action
            and timedelta(0) <= at - self.verified_at <= FRESH_FACTOR_TTL
        )


def fresh_factor_require(fresh_factor: FreshFactor | None, *, user: User, action: Action) -> None:
    """Services call this first: no valid proof for this very action, no change."""
    if fresh_factor is None or not fresh_factor.covers(user=user, action=action, at=timezone.now()):
        raise PermissionDenied(FRESH_FACTOR_NEEDED)
