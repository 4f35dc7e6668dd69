"""Security Code Card (KB1042): the login shows two distinct index numbers; the user types
the two 3-digit codes printed there, one after the other, without spaces."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

from devices.crypto import cell_matches
from devices.kinds.base import DeviceKind, WithdrawalTier

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge


class SecurityCodeCard(DeviceKind):
    code = "scc"
    label = "Security Code Card"
    level = 2
    shareable = True
    withdrawal_tier = WithdrawalTier.SCC
    response_label = "Codes from your card"
    response_pattern = re.compile(r"[0-9]{6}")
    challenge_label = "Index numbers"
    simulator_action = "cells"

    def new_challenge(self, authenticator: Authenticator) -> str:
        cells = list(authenticator.cells.values_list("index", flat=True))
        first = secrets.choice(cells)
        second = secrets.choice([index for index in cells if index != first])
        return f"{first},{second}"

    def prompt(self, challenge: str) -> str:
        first, second = challenge.split(",")
        return (
            f"Type the codes at index numbers {first} and {second} of your card, "
            "one after the other without spaces."
        )

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        indexes = [int(index) for index in challenge.value.split(",")]
        digests = dict(authenticator.cells.filter(index__in=indexes).values_list("index", "digest"))
        codes = (response[:3], response[3:])
        results = [
            cell_matches(
                card_id=authenticator.serial, index=index, code=code, digest=digests.get(index, "")
            )
            for index, code in zip(indexes, codes, strict=True)
        ]
        return all(results)
