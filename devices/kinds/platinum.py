"""Platinum card (legacy): a one-time code, HOTP or TOTP as the card was made."""

from devices.kinds.base import WithdrawalTier
from devices.kinds.one_time_code import OneTimeCodeKind


class Platinum(OneTimeCodeKind):
    code = "platinum"
    label = "Platinum card"
    level = 5
    shareable = True
    withdrawal_tier = WithdrawalTier.UNLIMITED
