"""Device kinds, looked up by the `kind` field. Adding a kind means adding a module and
listing it here, not editing a chain of conditions: the `Kind` choices, the columns the
database allows each kind and every kind-specific decision follow from the kind classes."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from devices.kinds.authenticator_app import AuthenticatorApp
from devices.kinds.base import KIND_COLUMNS, DeviceKind, WithdrawalTier
from devices.kinds.dsc import Dsc
from devices.kinds.dsc_plus import DscPlus
from devices.kinds.gold import Gold
from devices.kinds.ib_key import IbKey
from devices.kinds.online_card import OnlineSecurityCard
from devices.kinds.platinum import Platinum
from devices.kinds.scc import SecurityCodeCard
from devices.kinds.security_key import SecurityKey
from devices.kinds.sms import Sms
from devices.kinds.temporary_passcode import TemporaryPasscode
from devices.kinds.windows import FULL, Access, Channel, Scope

KINDS: dict[str, DeviceKind] = {
    kind.code: kind()
    for kind in (
        DscPlus,
        SecurityKey,
        Platinum,
        Gold,
        Dsc,
        IbKey,
        SecurityCodeCard,
        Sms,
        AuthenticatorApp,
        TemporaryPasscode,
        OnlineSecurityCard,
    )
}

# `Authenticator.kind`'s choices: Kind.DSC_PLUS == "dsc_plus", labelled as the kind says.
# django-stubs types the functional form with plain values only, not (value, label) pairs.
Kind = models.TextChoices(  # type: ignore[call-overload]
    "Kind", [(code.upper(), (code, kind.label)) for code, kind in KINDS.items()]
)
KIND_CHOICES = Kind.choices


def kind_for(code: str) -> DeviceKind:
    return KINDS[code]


def kind_codes(test: Callable[[DeviceKind], bool]) -> list[str]:
    """The codes of the kinds for which `test` holds, in registry order: for queries such as
    `kind__in=kind_codes(lambda kind: kind.temporary)`."""
    return [code for code, kind in KINDS.items() if test(kind)]


TEMPORARY_KINDS = tuple(kind_codes(lambda kind: kind.temporary))


def column_constraints() -> list[models.CheckConstraint]:
    """One check per kind-specific column of the authenticator table: blank unless the row's
    kind uses it, and filled on every row of a kind that requires it."""
    constraints = []
    for column in KIND_COLUMNS:
        blank = models.Q(**{column: ""})
        using = [code for code, kind in KINDS.items() if column in kind.columns]
        required = [code for code, kind in KINDS.items() if column in kind.required_columns]
        condition = blank | models.Q(kind__in=using)
        if required:
            condition &= ~blank | ~models.Q(kind__in=required)
        constraints.append(
            models.CheckConstraint(condition=condition, name=f"authenticator_{column}_by_kind")
        )
    return constraints


__all__ = [
    "FULL",
    "KINDS",
    "KIND_CHOICES",
    "KIND_COLUMNS",
    "TEMPORARY_KINDS",
    "Access",
    "Channel",
    "DeviceKind",
    "Kind",
    "Scope",
    "WithdrawalTier",
    "column_constraints",
    "kind_for",
    "kind_codes",
]
