"""The legacy Digital Security Card: challenge/response like DSC+, one level lower."""

from devices import conf
from devices.kinds.base import WithdrawalTier
from devices.kinds.challenge_response import OcraCardKind


class Dsc(OcraCardKind):
    code = "dsc"
    label = "Digital Security Card"
    level = 4
    shareable = True
    withdrawal_tier = WithdrawalTier.DSC
    default_ocra_suite = conf.DSC_DEFAULT_SUITE
