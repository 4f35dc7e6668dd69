"""Temporary passcode (KB70, KB69, KB1132 §2): a static code of upper-case letters and
digits that Client Services gives by phone; hashed like a password (D4)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password

from .base import DeviceKind, WithdrawalTier

if TYPE_CHECKING:
    from ..models import Authenticator, Challenge


class TemporaryPasscode(DeviceKind):
    code = "temporary_passcode"
    label = "Temporary passcode"
    level = 0
    withdrawal_tier = WithdrawalTier.NONE
    temporary = True
    response_label = "Temporary passcode"
    response_pattern = re.compile(r"[A-Z0-9]{8,16}")

    def prompt(self, challenge: str) -> str:
        return (
            "Type the temporary passcode Client Services gave you: upper-case letters and "
            "digits, without spaces."
        )

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        return bool(authenticator.code_hash) and check_password(response, authenticator.code_hash)
