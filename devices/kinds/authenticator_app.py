"""An authenticator app (F3): any app that shows RFC 6238 codes (Google Authenticator,
Microsoft Authenticator, 1Password …), enrolled by QR code and confirmed by a first code.
It holds the same kind of secret as the SMS code's phone, on a phone, so it stands with SMS:
level 1 and the SMS row of the withdrawal limits."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from devices.kinds.base import DeviceKind, WithdrawalTier
from devices.kinds.one_time_code import totp_check

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge


class AuthenticatorApp(DeviceKind):
    code = "authenticator_app"
    label = "Authenticator app"
    level = 1
    withdrawal_tier = WithdrawalTier.SMS
    response_label = "Code from your authenticator app"
    response_pattern = re.compile(r"[0-9]{6}")
    # The last accepted time step: a code is taken once (F3, D2).
    state_fields = ("last_used_step",)
    simulator_action = "press"
    self_registered = True

    def prompt(self, challenge: str) -> str:
        return "Open your authenticator app and type the six-digit code it shows for SLS Portal."

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        return totp_check(authenticator, response)
