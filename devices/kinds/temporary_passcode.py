"""Temporary passcode (KB70, KB69, KB1132 §2): a static code of upper-case letters and
digits that Client Services gives by phone; hashed like a password (D4). Full access
(portal and trading platform) for 2 days; then, for 10 more days, the portal only, and
there only the online security card; then nothing (T2, KB1132 §6, §9)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password

from devices.kinds.base import DeviceKind, WithdrawalTier
from devices.kinds.windows import FULL, Access, Channel, Scope

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge

PASSCODE_FULL_ACCESS = timedelta(days=2)
PASSCODE_PORTAL_CARD_ONLY = timedelta(days=12)

PASSCODE_EXPIRED = (
    "Your temporary passcode has expired (KB1132 §6: it gives full access for 2 days, then "
    "10 more days of Client Portal access only to print the online security card). Please "
    "call your regional Client Services Center."
)
PASSCODE_PORTAL_ONLY = (
    "Your temporary passcode no longer opens the trading platform (KB1132 §9). Log in to "
    "Client Portal with it and print or save your online security card: the card gives full "
    "access to both for 21 days."
)
PASSCODE_CARD_ONLY = (
    "Your temporary passcode now opens only the online security card (KB1132 §6). Print or "
    "save the card and log in with it for full access."
)


class TemporaryPasscode(DeviceKind):
    code = "temporary_passcode"
    label = "Temporary passcode"
    level = 0
    withdrawal_tier = WithdrawalTier.NONE
    temporary = True
    response_label = "Temporary passcode"
    response_pattern = re.compile(r"[A-Z0-9]{8,16}")
    response_inputmode = "text"
    columns = frozenset({"code_hash"})
    offers_online_card = True
    full_access_period = PASSCODE_FULL_ACCESS
    access_window = PASSCODE_PORTAL_CARD_ONLY

    def access(self, *, age: timedelta, channel: Channel) -> Access:
        if age < PASSCODE_FULL_ACCESS:
            return FULL
        if age < PASSCODE_PORTAL_CARD_ONLY:
            if channel == Channel.PORTAL:
                return Access(Scope.ONLINE_CARD_ONLY, PASSCODE_CARD_ONLY)
            return Access(None, PASSCODE_PORTAL_ONLY)
        return Access(None, PASSCODE_EXPIRED)

    def prompt(self, challenge: str) -> str:
        return (
            "Type the temporary passcode Client Services gave you: upper-case letters and "
            "digits, without spaces."
        )

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        return bool(authenticator.code_hash) and check_password(response, authenticator.code_hash)
