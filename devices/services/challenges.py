"""Issuing challenges (D2), each for one purpose of the assurance table (G1)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from devices import conf
from devices.assurance import Action
from devices.models import Challenge, SecurityDevice


@transaction.atomic
def challenge_issue(*, device: SecurityDevice, attempt: str, purpose: Action) -> Challenge:
    """A new challenge for this attempt and purpose. A challenge still open on the device for
    the same purpose is closed first, so a device has at most one answerable challenge per
    purpose; another purpose's challenge (a withdrawal approval in another tab) stays open."""
    now = timezone.now()
    Challenge.objects.filter(device=device, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )
    kind = device.authenticator.kind_behaviour
    challenge = Challenge.objects.create(
        device=device,
        purpose=purpose,
        attempt=attempt,
        value=kind.new_challenge(device.authenticator),
        created_at=now,
        expires_at=now + conf.CHALLENGE_TTL,
    )
    kind.prepare(challenge)
    return challenge


def challenge_open_for(
    *, device: SecurityDevice, attempt: str, purpose: Action
) -> Challenge | None:
    """The challenge already shown to this attempt for this purpose, if still answerable:
    a reloaded page shows it again rather than sending another text message."""
    challenge = (
        Challenge.objects.filter(
            device=device, attempt=attempt, purpose=purpose, used_at__isnull=True
        )
        .order_by("-pk")
        .first()
    )
    if challenge is None or not challenge.is_open(timezone.now()):
        return None
    return challenge
