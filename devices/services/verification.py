"""Verifying the second factor of a login (L4, L5, D2).

The response is checked against the one device the user chose, through
`django_otp.verify_token`, which locks that device's row; the card's own row is locked as
well, since a shared card's counters live there. The challenge is consumed whether the
answer is right or wrong, so each challenge gets exactly one try.
"""

from __future__ import annotations

import django_otp
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.login import login_step_failed

from ..models import Authenticator, Challenge, SecurityDevice


def device_verify_locked(
    *,
    device: SecurityDevice,
    response: str,
    states: tuple[str, ...] = (Authenticator.State.ACTIVE,),
) -> bool:
    """Check `response` on a device whose row the caller has locked. Reactivation (T4)
    accepts cards that are not active yet, such as a lost card found again."""
    authenticator = Authenticator.objects.select_for_update().get(pk=device.authenticator_id)
    kind = authenticator.kind_behaviour
    now = timezone.now()
    challenge = _open_challenge(device, lock=True)
    if challenge is None or not challenge.is_open(now):
        return False
    challenge.used_at = now
    challenge.save(update_fields=["used_at"])
    if authenticator.state not in states:
        return False
    if not kind.response_is_well_formed(response):
        return False
    accepted = kind.check(authenticator=authenticator, challenge=challenge, response=response)
    if accepted and kind.state_fields:
        authenticator.save(update_fields=list(kind.state_fields))
    return accepted


def second_factor_verify(
    *,
    user: User,
    device_id: int,
    challenge_id: int | None,
    attempt: str,
    response: str,
    client: ClientInfo,
) -> SecurityDevice | None:
    """The device that accepted the response, or None; a refusal counts towards L3."""
    with transaction.atomic():
        device = (
            SecurityDevice.objects.select_for_update()
            .select_related("authenticator")
            .filter(pk=device_id, user=user, confirmed=True)
            .first()
        )
        verified = None
        if device is not None and _challenge_belongs(device, challenge_id, attempt):
            verified = django_otp.verify_token(user, device.persistent_id, response)
    if verified is None:
        login_step_failed(user=user, client=client, step="second_factor", reason="wrong_response")
    return verified


def _challenge_belongs(device: SecurityDevice, challenge_id: int | None, attempt: str) -> bool:
    """The challenge answered is the device's open one and was shown to this attempt.
    One-time-code cards get an empty challenge row too, so every kind's answer is bound
    to one attempt and expires with it."""
    open_challenge = _open_challenge(device, lock=False)
    return (
        open_challenge is not None
        and open_challenge.pk == challenge_id
        and open_challenge.attempt == attempt
    )


def _open_challenge(device: SecurityDevice, *, lock: bool) -> Challenge | None:
    challenges = Challenge.objects.filter(device=device, used_at__isnull=True)
    if lock:
        challenges = challenges.select_for_update()
    return challenges.order_by("-pk").first()
