"""Issuing login challenges (D2)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import conf
from ..models import Challenge, SecurityDevice


@transaction.atomic
def challenge_issue(*, device: SecurityDevice, attempt: str) -> Challenge:
    """A new challenge for this login attempt. Any challenge still open on the device is
    closed first, so a device has at most one answerable challenge at a time."""
    now = timezone.now()
    Challenge.objects.filter(device=device, used_at__isnull=True).update(used_at=now)
    kind = device.authenticator.kind_behaviour
    challenge = Challenge.objects.create(
        device=device,
        attempt=attempt,
        value=kind.new_challenge(device.authenticator),
        created_at=now,
        expires_at=now + conf.CHALLENGE_TTL,
    )
    kind.prepare(challenge)
    return challenge
