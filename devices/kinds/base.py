"""What every device kind must say about itself: level, withdrawal tier, whether it is
temporary, what its challenge looks like and how a response is checked."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ..models import Authenticator, Challenge


class WithdrawalTier(StrEnum):
    """Rows of the withdrawal limits table (SPEC §8); the limits live in `withdrawals`."""

    NONE = "none"
    SMS = "sms"
    IB_KEY = "ib_key"
    SCC = "scc"
    DSC = "dsc"
    UNLIMITED = "unlimited"


class DeviceKind:
    """Behaviour of one kind. Subclasses are stateless; card state lives on the row."""

    code: ClassVar[str]
    label: ClassVar[str]
    level: ClassVar[int]
    withdrawal_tier: ClassVar[WithdrawalTier]
    temporary: ClassVar[bool] = False
    response_label: ClassVar[str] = "Response"
    response_pattern: ClassVar[re.Pattern[str]]
    # Authenticator fields that verification may advance (counters), saved on success.
    state_fields: ClassVar[tuple[str, ...]] = ()
    # IB Key: the login waits for an approval on the phone before offering a challenge.
    uses_push: ClassVar[bool] = False
    # The code goes out of band (a text message): a reloaded page shows the open challenge
    # again rather than sending another.
    sends_code: ClassVar[bool] = False
    # A physical card several users of one person may share (H1); IB Key uses "Add user".
    shareable: ClassVar[bool] = False

    def new_challenge(self, authenticator: Authenticator) -> str:
        return ""

    def prepare(self, challenge: Challenge) -> None:
        """Deliver what the user needs out of band (an SMS code) once the row exists."""

    def prompt(self, challenge: str) -> str:
        """What the login page shows the user to answer."""
        raise NotImplementedError

    def response_is_well_formed(self, response: str) -> bool:
        return bool(self.response_pattern.fullmatch(response))

    def check(self, *, authenticator: Authenticator, challenge: Challenge, response: str) -> bool:
        """True when `response` answers `challenge`; may advance counters on the row."""
        raise NotImplementedError
