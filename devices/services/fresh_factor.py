"""A fresh second factor: the logged-in user answers the device again before a sensitive
change (opting out of SLS, new bank instructions, a new e-mail address; O2, O3).

A session verified at login is not enough for these: whoever sits at an unlocked browser
could otherwise make them. The answer goes through the login's own verification, so a
wrong one is "Login failed" and counts towards the L3 lockout just as at login. Services
that need it take the `FreshFactor` this returns and check `covers()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import User

from .verification import second_factor_verify

# Long enough to submit the page that asked for it, too short to keep in a pocket.
FRESH_FACTOR_TTL = timedelta(minutes=5)
FRESH_FACTOR_NEEDED = "A fresh answer from your security device is needed for this change."


@dataclass(frozen=True)
class FreshFactor:
    """Proof that `user_id` answered device `device_id` at `verified_at`."""

    user_id: int
    device_id: int
    verified_at: datetime

    def covers(self, *, user: User, at: datetime) -> bool:
        return self.user_id == user.pk and timedelta(0) <= at - self.verified_at <= FRESH_FACTOR_TTL


def fresh_factor_verify(
    *,
    user: User,
    device_id: int,
    challenge_id: int | None,
    attempt: str,
    response: str,
    client: ClientInfo,
) -> FreshFactor | None:
    """Check the answer to a challenge issued for `attempt`; None (counted, L3) if wrong.
    Not wrapped in the caller's transaction: a wrong answer must stay counted even though
    the change it was meant to allow does not happen."""
    device = second_factor_verify(
        user=user,
        device_id=device_id,
        challenge_id=challenge_id,
        attempt=attempt,
        response=response,
        client=client,
    )
    if device is None:
        return None
    return FreshFactor(user_id=user.pk, device_id=device.pk, verified_at=timezone.now())


def fresh_factor_require(fresh_factor: FreshFactor | None, *, user: User) -> None:
    """Services call this first: no valid proof, no change."""
    if fresh_factor is None or not fresh_factor.covers(user=user, at=timezone.now()):
        raise PermissionDenied(FRESH_FACTOR_NEEDED)
