"""Checking one answer to one challenge (L5, D2), for the gate (`devices.flows.device_step`)
alone: nothing else calls these, so no page can verify an answer on its own terms (G1).

Every answer is checked under row locks on the device and on its card, taken together in
one query by `device_lock`: a shared card's counters live on the card, so two users of
one card cannot both spend the same code. The challenge is consumed whether the answer is
right or wrong, so each challenge gets exactly one try.
"""

from __future__ import annotations

from datetime import datetime

from devices.assurance import Action
from devices.models import Challenge, SecurityDevice


def device_lock(*, device_id: int, user_id: int) -> SecurityDevice | None:
    """The user's confirmed device `device_id`, its card and user loaded, device and card
    locked until the end of the caller's transaction. The user row comes along unlocked,
    for a current read of the lockout."""
    return (
        SecurityDevice.objects.select_for_update(of=("self", "authenticator"))
        .select_related("authenticator", "user")
        .filter(pk=device_id, user_id=user_id, confirmed=True)
        .first()
    )


def challenge_lock(
    *, device: SecurityDevice, challenge_id: int, attempt: str, purpose: Action, at: datetime
) -> Challenge | None:
    """The open challenge `challenge_id`, if it was shown to `attempt` for `purpose` and is
    still answerable; locked, so a double submit answers it once."""
    challenge = (
        Challenge.objects.select_for_update()
        .filter(
            pk=challenge_id, device=device, attempt=attempt, purpose=purpose, used_at__isnull=True
        )
        .first()
    )
    if challenge is None or not challenge.is_open(at):
        return None
    return challenge


def challenge_answer_check(
    *, device: SecurityDevice, challenge: Challenge, response: str, at: datetime
) -> bool:
    """Consume `challenge`, then check the answer; a card that counts its codes keeps the
    new count only when the answer was right, saved in the one write that also records
    when the device was last used (the support desk lists it)."""
    challenge.used_at = at
    challenge.save(update_fields=["used_at"])
    authenticator = device.authenticator
    kind = authenticator.kind_behaviour
    if not kind.response_is_well_formed(response):
        return False
    accepted = bool(kind.check(authenticator=authenticator, challenge=challenge, response=response))
    if accepted:
        authenticator.last_used_at = at
        authenticator.save(update_fields=[*kind.state_fields, "last_used_at"])
    return accepted
