"""Device kinds, looked up by the `kind` field. Adding a kind means adding a module and
listing it here, not editing a chain of conditions."""

from __future__ import annotations

from .base import DeviceKind, WithdrawalTier
from .dsc import Dsc
from .dsc_plus import DscPlus
from .gold import Gold
from .ib_key import IbKey
from .online_card import OnlineSecurityCard
from .platinum import Platinum
from .scc import SecurityCodeCard
from .sms import Sms
from .temporary_passcode import TemporaryPasscode

KINDS: dict[str, DeviceKind] = {
    kind.code: kind()
    for kind in (
        DscPlus,
        Platinum,
        Gold,
        Dsc,
        IbKey,
        SecurityCodeCard,
        Sms,
        TemporaryPasscode,
        OnlineSecurityCard,
    )
}
KIND_CHOICES = [(code, kind.label) for code, kind in KINDS.items()]


def kind_for(code: str) -> DeviceKind:
    return KINDS[code]


__all__ = ["KINDS", "KIND_CHOICES", "DeviceKind", "WithdrawalTier", "kind_for"]
