"""Re-sending an SMS login code and reading it by voice (S1, S2), throttled per login
attempt in the shared cache so that several server processes agree on the limits."""

from __future__ import annotations

import math

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from devices import conf
from devices.assurance import Action
from devices.crypto import secret_decrypt
from devices.gateways import voice_call
from devices.models import Challenge, SecurityDevice
from devices.services.challenges import challenge_issue, challenge_open_for


def sms_code_resend(*, device: SecurityDevice, attempt: str, purpose: Action) -> Challenge:
    """A fresh code by text message; the previous one stops working."""
    _throttle(attempt)
    return challenge_issue(device=device, attempt=attempt, purpose=purpose)


def sms_code_call(*, device: SecurityDevice, attempt: str, purpose: Action) -> Challenge:
    """A voice call that reads the code already sent, for SMS or carrier outages (S2)."""
    challenge = challenge_open_for(device=device, attempt=attempt, purpose=purpose)
    if challenge is None or not challenge.secret:
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
    """The wait between codes is measured from the time stored with the last send, not by
    the cache entry's expiry, so that every process (and a test's moved clock) reads the
    same rule; the entries only live as long as the login attempt could."""
    lifetime = int(conf.CHALLENGE_TTL.total_seconds()) * 4
    interval = conf.RESEND_INTERVAL.total_seconds()
    wait_key = f"sms-resend-wait:{attempt}"
    now = timezone.now().timestamp()
    if not cache.add(wait_key, now, lifetime):
        elapsed = now - (cache.get(wait_key) or 0)
        if elapsed < interval:
            wait = max(1, math.ceil(interval - elapsed))
            raise ValidationError(f"Please wait {wait} seconds before asking again.")
        cache.set(wait_key, now, lifetime)
    count_key = f"sms-resend-count:{attempt}"
    cache.add(count_key, 0, lifetime)
    if cache.incr(count_key) > conf.RESENDS_PER_ATTEMPT:
        raise ValidationError("Too many codes for this login; please start again later.")
