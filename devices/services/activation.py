"""One-time codes that confirm a mobile number (K1 activation, E1 enrolment): sent by
SMS, kept as a keyed hash, single-use, short-lived, and a few tries at most."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from devices import conf
from devices.crypto import cell_digest, cell_matches
from devices.gateways import sms_send
from devices.models import ActivationCode


@transaction.atomic
def activation_code_send(
    *, user: User, purpose: ActivationCode.Purpose, phone_number: str
) -> ActivationCode:
    """Send a new code; any earlier open code of the same purpose stops working."""
    now = timezone.now()
    ActivationCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )
    code = f"{secrets.randbelow(10**conf.SMS_CODE_DIGITS):0{conf.SMS_CODE_DIGITS}d}"
    activation = ActivationCode.objects.create(
        user=user,
        purpose=purpose,
        phone_number=phone_number,
        digest="",
        created_at=now,
        expires_at=now + conf.ACTIVATION_CODE_TTL,
    )
    activation.digest = _digest(activation, code)
    activation.save(update_fields=["digest"])
    sms_send(
        to=phone_number,
        body=f"SLS Portal {activation.get_purpose_display().lower()} code: {code}. Never share it.",
    )
    return activation


@transaction.atomic
def activation_code_redeem(
    *, user: User, purpose: ActivationCode.Purpose, code: str, code_id: int | None = None
) -> ActivationCode | None:
    """The confirmed activation, or None for a wrong, used, expired or exhausted code.
    `code_id` narrows it to the code a pending activation sent (K1)."""
    codes = ActivationCode.objects.select_for_update().filter(
        user=user, purpose=purpose, used_at__isnull=True
    )
    if code_id is not None:
        codes = codes.filter(pk=code_id)
    activation = codes.order_by("-pk").first()
    now = timezone.now()
    if activation is None or now >= activation.expires_at:
        return None
    activation.attempts += 1
    if activation.attempts >= conf.ACTIVATION_CODE_MAX_TRIES:
        activation.used_at = now
    matches = code.isascii() and cell_matches(
        card_id=f"activation-{activation.pk}", index=0, code=code, digest=activation.digest
    )
    if matches:
        activation.used_at = now
    activation.save(update_fields=["attempts", "used_at"])
    return activation if matches else None


def _digest(activation: ActivationCode, code: str) -> str:
    return cell_digest(card_id=f"activation-{activation.pk}", index=0, code=code)
