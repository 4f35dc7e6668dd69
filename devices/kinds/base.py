"""What every device kind must say about itself: level, withdrawal tier, whether it is
temporary, what its challenge looks like and how a response is checked."""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from devices.kinds.windows import FULL, Access, Channel

if TYPE_CHECKING:
    from devices.models import Authenticator, Challenge

# Columns of the authenticator row that belong to some kinds only. Each kind lists those it
# uses in `columns` (and those it cannot work without in `required_columns`); the check
# constraints of `devices.kinds.column_constraints` keep them blank on every other kind.
KIND_COLUMNS = (
    "phone_number",
    "public_key",
    "app_installation",
    "code_hash",
    "ocra_suite",
    "otp_mode",
    "credential_id",
    "attestation_format",
    "aaguid",
    "attestation_object",
)


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
    # What the login, step-up and approval pages call the challenge shown next to the prompt.
    challenge_label: ClassVar[str] = "Challenge"
    # The keyboard a phone shows for the response (HTML inputmode).
    response_inputmode: ClassVar[str] = "numeric"
    # Columns of KIND_COLUMNS this kind uses, and those every row of the kind must fill.
    columns: ClassVar[frozenset[str]] = frozenset()
    required_columns: ClassVar[frozenset[str]] = frozenset()
    # The OCRA suite and one-time-code mode a new card of this kind gets when its
    # inventory record names none.
    default_ocra_suite: ClassVar[str] = ""
    default_otp_mode: ClassVar[str] = ""
    # A stand-in until IB Key is active: IB Key activation retires it, and while the user
    # holds it without IB Key the pages invite them to activate the app (E1, K7).
    until_ib_key: ClassVar[bool] = False
    # After a login with this device the user is told where the online security card is
    # (T3: a temporary passcode leads to it).
    offers_online_card: ClassVar[bool] = False
    # The temporary windows (T2, T3), counted from activation: full access on both
    # channels, then (until `access_window`) what `access` says; None for permanent kinds.
    full_access_period: ClassVar[timedelta | None] = None
    access_window: ClassVar[timedelta | None] = None
    # How the device simulator answers for a card of this kind: "respond" (type the
    # challenge and PIN), "cells" (read the printed grid) or "press" (press the button).
    simulator_action: ClassVar[str] = "respond"
    # The browser answers, not the user: the page hands `client_options` to WebAuthn and
    # posts what the authenticator returns (security keys and passkeys, F1).
    answered_by_browser: ClassVar[bool] = False
    # Registered by its holder from the portal (a security key, an authenticator app):
    # nothing of it is in inventory, and the support desk can neither import nor assign
    # one, so an agent cannot add a device to a client's account (F1, F3).
    self_registered: ClassVar[bool] = False

    def access(self, *, age: timedelta, channel: Channel) -> Access:
        """What the device opens on `channel` at `age` since activation; permanent kinds
        open everything, always."""
        return FULL

    def answer_refused(self, authenticator: Authenticator) -> str:
        """Why this device may answer nothing now, though active (a security key flagged
        as cloned); empty when it may."""
        return ""

    def new_challenge(self, authenticator: Authenticator) -> str:
        return ""

    def client_options(self, authenticator: Authenticator, challenge: str) -> dict[str, Any] | None:
        """What a client program needs beyond the prompt to answer `challenge` (a security
        key's WebAuthn request options); None for the kinds a person answers."""
        return None

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
