"""SMS (S1, S2): each login sends a fresh one-time code to the verified mobile number; a
voice call can read the same code during an SMS or carrier outage."""

from __future__ import annotations

import hmac
import re
import secrets
from typing import TYPE_CHECKING

from devices import conf
from devices.crypto import secret_decrypt, secret_encrypt
from devices.gateways import sms_send
from devices.kinds.base import DeviceKind, WithdrawalTier

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge


class Sms(DeviceKind):
    code = "sms"
    label = "SMS"
    level = 1
    withdrawal_tier = WithdrawalTier.SMS
    response_label = "Code from the text message"
    response_pattern = re.compile(r"[0-9]{6}")
    sends_code = True
    until_ib_key = True
    columns = frozenset({"phone_number"})
    required_columns = frozenset({"phone_number"})

    def prompt(self, challenge: str) -> str:
        return f"We sent a code by text message to {challenge}. Type it here."

    def new_challenge(self, authenticator: Authenticator) -> str:
        return masked(authenticator.phone_number)

    def prepare(self, challenge: Challenge) -> None:
        code = f"{secrets.randbelow(10**conf.SMS_CODE_DIGITS):0{conf.SMS_CODE_DIGITS}d}"
        challenge.secret = secret_encrypt(code.encode())
        challenge.save(update_fields=["secret"])
        sms_send(
            to=challenge.device.authenticator.phone_number,
            body=f"SLS Portal login code: {code}. It expires in "
            f"{int(conf.CHALLENGE_TTL.total_seconds() // 60)} minutes. Never share it.",
        )

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        if not challenge.secret:
            return False
        return hmac.compare_digest(secret_decrypt(challenge.secret), response.encode())


def masked(phone_number: str) -> str:
    """+1 *** *** 4567: enough for the user to recognise the phone, no more."""
    return (
        f"{phone_number[:-4].rstrip('0123456789')}••• {phone_number[-4:]}" if phone_number else ""
    )
