"""Verifying the answer to a device's challenge (L4, L5, D2).

Every answer is checked under row locks on the device and on its card, taken together in
one query by `device_lock`: a shared card's counters live on the card, so two users of
one card cannot both spend the same code. The challenge answered must be the device's
open one, shown to this attempt; it is consumed whether the answer is right or wrong, so
each challenge gets exactly one try.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.login import login_step_failed

from ..models import Authenticator, Challenge, SecurityDevice

ACTIVE_ONLY = (Authenticator.State.ACTIVE,)


def device_lock(**filters) -> SecurityDevice | None:
    """The device matching `filters`, its card loaded, both rows locked until the end of
    the caller's transaction."""
    return (
        SecurityDevice.objects.select_for_update(of=("self", "authenticator"))
        .select_related("authenticator")
        .filter(**filters)
        .first()
    )


def device_verify_locked(
    *,
    device: SecurityDevice,
    challenge_id: int | None,
    attempt: str,
    response: str,
    states: tuple[str, ...] = ACTIVE_ONLY,
) -> bool:
    """Check `response` to challenge `challenge_id`, shown to `attempt`, on a device that
    `device_lock` locked. A challenge id that is not the open one, or was shown to another
    attempt, leaves the open challenge as it is: it may be someone else's login. Some
    callers accept cards that are not active yet, such as a lost card found again (T4)."""
    challenge = _open_challenge(device)
    if challenge is None or challenge.pk != challenge_id or challenge.attempt != attempt:
        return False
    return _challenge_answer(device, challenge, response, states)


def device_verify_open_challenge(*, device: SecurityDevice, response: str) -> bool:
    """django-otp's `verify_token` on a device it locked: the card is locked here, and the
    open challenge answered whichever attempt it was shown to."""
    device.authenticator = Authenticator.objects.select_for_update().get(pk=device.authenticator_id)
    challenge = _open_challenge(device)
    return challenge is not None and _challenge_answer(device, challenge, response, ACTIVE_ONLY)


def second_factor_verify(
    *,
    user: User,
    device_id: int,
    challenge_id: int | None,
    attempt: str,
    response: str,
    client: ClientInfo,
) -> SecurityDevice | None:
    """The device, its card loaded, that accepted the response, or None; a refusal counts
    towards L3."""
    with transaction.atomic():
        device = device_lock(pk=device_id, user=user, confirmed=True)
        accepted = device is not None and device_verify_locked(
            device=device, challenge_id=challenge_id, attempt=attempt, response=response
        )
    if not accepted:
        login_step_failed(user=user, client=client, step="second_factor", reason="wrong_response")
        return None
    return device


def _challenge_answer(
    device: SecurityDevice, challenge: Challenge, response: str, states: tuple[str, ...]
) -> bool:
    """Consume `challenge`, then check the answer; a card that counts its codes keeps the
    new count only when the answer was right."""
    now = timezone.now()
    if not challenge.is_open(now):
        return False
    challenge.used_at = now
    challenge.save(update_fields=["used_at"])
    authenticator = device.authenticator
    if authenticator.state not in states:
        return False
    kind = authenticator.kind_behaviour
    if not kind.response_is_well_formed(response):
        return False
    accepted = kind.check(authenticator=authenticator, challenge=challenge, response=response)
    if accepted and kind.state_fields:
        authenticator.save(update_fields=list(kind.state_fields))
    return accepted


def _open_challenge(device: SecurityDevice) -> Challenge | None:
    return (
        Challenge.objects.select_for_update()
        .filter(device=device, used_at__isnull=True)
        .order_by("-pk")
        .first()
    )
