"""Re-sending an SMS login code and reading it by voice (S1, S2), throttled per login
attempt in the shared cache so that several server processes agree on the limits."""

from __future__ import annotations

import math

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import conf
from ..crypto import secret_decrypt
from ..gateways import voice_call
from ..models import Challenge, SecurityDevice
from .challenges import challenge_issue


def sms_code_resend(*, device: SecurityDevice, attempt: str) -> Challenge:
    """A fresh code by text message; the previous one stops working."""
    _throttle(attempt)
    return challenge_issue(device=device, attempt=attempt)


def sms_code_call(*, device: SecurityDevice, attempt: str) -> Challenge:
    """A voice call that reads the code already sent, for SMS or carrier outages (S2)."""
    challenge = (
        Challenge.objects.filter(device=device, attempt=attempt, used_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    if challenge is None or not challenge.secret or not challenge.is_open(timezone.now()):
        raise ValidationError("That code has expired; ask for a new one.")
    _throttle(attempt)
    code = secret_decrypt(challenge.secret).decode()
    spoken = ", ".join(code)
    voice_call(
        to=device.authenticator.phone_number,
        script=f"Your SLS Portal login code is {spoken}. Again: {spoken}.",
    )
    return challenge


def _throttle(attempt: str) -> None:
    """The time stored is compared with our own clock, so the wait does not hang on the
    cache's own expiry (Redis expires keys on its clock, not on ours)."""
    interval = int(conf.RESEND_INTERVAL.total_seconds())
    key = f"sms-resend-wait:{attempt}"
    now = timezone.now().timestamp()
    if not cache.add(key, now, interval):
        started = cache.get(key) or now
        if now - started < interval:
            wait = max(1, math.ceil(interval - (now - started)))
            raise ValidationError(f"Please wait {wait} seconds before asking again.")
        cache.set(key, now, interval)
    count_key = f"sms-resend-count:{attempt}"
    cache.add(count_key, 0, int(conf.CHALLENGE_TTL.total_seconds()) * 4)
    if cache.incr(count_key) > conf.RESENDS_PER_ATTEMPT:
        raise ValidationError("Too many codes for this login; please start again later.")
