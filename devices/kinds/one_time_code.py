"""Legacy cards that display a one-time code with no challenge: HOTP (RFC 4226) counts
presses, TOTP (RFC 6238) follows the clock. The accepted counter or time step is kept on
the authenticator, so a code is accepted at most once (D2)."""

from __future__ import annotations

import base64
import hmac
import re
import time
from typing import TYPE_CHECKING

import pyotp

from devices import conf
from devices.crypto import secret_decrypt
from devices.kinds.base import DeviceKind

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge

TOTP_STEP_SECONDS = 30


class OneTimeCodeKind(DeviceKind):
    response_label = "Code shown on your card"
    response_pattern = re.compile(r"[0-9]{6,8}")
    state_fields = ("counter", "last_used_step")
    columns = frozenset({"otp_mode"})
    required_columns = frozenset({"otp_mode"})
    default_otp_mode = "totp"
    simulator_action = "press"

    def prompt(self, challenge: str) -> str:
        return "Press the button on your card and type the code it shows."

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        if authenticator.otp_mode == "hotp":
            return _check_hotp(authenticator, response)
        return totp_check(authenticator, response)


def _base32_secret(authenticator: Authenticator) -> str:
    return base64.b32encode(secret_decrypt(authenticator.secret)).decode()


def _check_hotp(authenticator: Authenticator, response: str) -> bool:
    hotp = pyotp.HOTP(_base32_secret(authenticator), digits=authenticator.otp_digits)
    for counter in range(authenticator.counter, authenticator.counter + conf.HOTP_LOOKAHEAD):
        if hmac.compare_digest(hotp.at(counter), response):
            authenticator.counter = counter + 1
            return True
    return False


def totp_check(authenticator: Authenticator, response: str) -> bool:
    """RFC 6238 within the allowed drift; the accepted step is kept, so neither that code
    nor an earlier one is taken again (D2). Authenticator apps check their codes here too."""
    totp = pyotp.TOTP(
        _base32_secret(authenticator), digits=authenticator.otp_digits, interval=TOTP_STEP_SECONDS
    )
    now_step = int(time.time()) // TOTP_STEP_SECONDS
    drift = conf.TOTP_DRIFT_STEPS
    for step in range(now_step - drift, now_step + drift + 1):
        used = authenticator.last_used_step
        if used is not None and step <= used:
            continue
        if hmac.compare_digest(totp.generate_otp(step), response):
            authenticator.last_used_step = step
            return True
    return False
