"""The legacy Digital Security Card: challenge/response like DSC+, one level lower."""

from .. import conf
from .base import WithdrawalTier
from .challenge_response import OcraCardKind


class Dsc(OcraCardKind):
    code = "dsc"
    label = "Digital Security Card"
    level = 4
    shareable = True
    withdrawal_tier = WithdrawalTier.DSC
    default_ocra_suite = conf.DSC_DEFAULT_SUITE
