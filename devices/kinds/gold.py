"""Gold card (legacy): a one-time code, HOTP or TOTP as the card was made."""

from devices.kinds.base import WithdrawalTier
from devices.kinds.one_time_code import OneTimeCodeKind


class Gold(OneTimeCodeKind):
    code = "gold"
    label = "Gold card"
    level = 5
    shareable = True
    withdrawal_tier = WithdrawalTier.UNLIMITED
