"""Digital Security Card+ (KB2634): 6-digit challenge, 4-digit PIN on the card, 8-digit
response; OCRA-1:HOTP-SHA256-8:QN06-PSHA1 unless the card says otherwise."""

from devices import conf
from devices.kinds.base import WithdrawalTier
from devices.kinds.challenge_response import OcraCardKind


class DscPlus(OcraCardKind):
    code = "dsc_plus"
    label = "Digital Security Card+"
    level = 5
    shareable = True
    withdrawal_tier = WithdrawalTier.UNLIMITED
    default_ocra_suite = conf.DSC_PLUS_DEFAULT_SUITE
