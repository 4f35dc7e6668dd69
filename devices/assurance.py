"""The assurance policy (SPEC G1): for each sensitive action, which devices may answer its
second factor, and what happens when the user holds only a temporary device.

One table, read by the gate (`devices.flows.device_step`) for every answer on every
channel, by the pages that offer devices, by docs/security.md and by the tests, so that a
new action cannot be added without saying who may approve it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from devices.kinds import WithdrawalTier
from devices.models import Authenticator
from devices.ocra import ocra_uses_pin
from devices.temporary.policy import (
    TEMPORARY_DEVICE_REVOKED,
    Access,
    Channel,
    Scope,
    temporary_access,
)

DEVICE_NOT_ALLOWED = "This security device is not active, so it cannot approve this."
PERMANENT_DEVICE_NEEDED = (
    "This change needs an answer from your permanent security device; a temporary "
    "passcode or online card cannot approve it."
)


class Action(StrEnum):
    """Everything a second-factor answer may authorize. Each challenge carries one: a
    challenge belongs to the purpose that asked for it."""

    LOGIN_PORTAL = "login_portal"
    LOGIN_TRADING = "login_trading"
    WITHDRAW = "withdraw"
    CHANGE_ADDRESS = "change_address"
    CHANGE_EMAIL = "change_email"
    CHANGE_PHONE = "change_phone"
    CHANGE_BANK_INSTRUCTIONS = "change_bank_instructions"
    ORDER_REPLACEMENT = "order_replacement"
    ACTIVATE_REPLACEMENT = "activate_replacement"
    ACTIVATE_IB_KEY = "activate_ib_key"
    ADD_PHONE = "add_phone"
    ADD_SECURITY_KEY = "add_security_key"
    ADD_AUTHENTICATOR_APP = "add_authenticator_app"
    SHARE_DEVICE = "share_device"
    OPT_OUT = "opt_out"
    CHANGE_PIN = "change_pin"
    REACTIVATE = "reactivate"


class Answerers(StrEnum):
    """Which of the user's devices may answer."""

    ANY = "any active device, a temporary one within its window (T2, T3)"
    PERMANENT = "an active permanent device"
    PIN_CARD = "the active card whose PIN is changed (DSC+)"
    SHIPPED_CARD = "the shipped card itself, with the PIN chosen at order"
    REACTIVATABLE = "the permanent device that is back (active, lost or damaged)"


class WithoutPermanent(StrEnum):
    """What a user who holds only a temporary device gets."""

    WITHIN_WINDOW = "the temporary device answers within its window (T2, T3)"
    HELD_TO_NONE = "the temporary device answers; the withdrawal is held to the 'none' row (W1)"
    SECURITY_TEAM = (
        "the change waits for the Security Team; an e-mail goes to the address of record"
    )
    ON_RECORD_ONLY = "only a mobile number already on record may be used (G2)"
    REFUSED = "refused until a permanent device is active again"
    SESSION_ASKS = "a session opened with a temporary device may ask; only that card answers"


@dataclass(frozen=True)
class Requirement:
    answerers: Answerers
    without_permanent: WithoutPermanent
    threat: str
    # Only the portal login may be opened by a passcode in its online-card-only days (T2).
    online_card_only_suffices: bool = False

    def offers(self, authenticator: Authenticator) -> bool:
        """May this device be asked at all (its kind and state; windows come later)? A
        device its kind holds back (a key flagged as cloned) is not offered."""
        kind = authenticator.kind_behaviour
        if kind.answer_refused(authenticator):
            return False
        if self.answerers == Answerers.ANY:
            return authenticator.state == Authenticator.State.ACTIVE
        if kind.temporary:
            return False
        if self.answerers == Answerers.SHIPPED_CARD:
            return authenticator.state == Authenticator.State.SHIPPED
        if self.answerers == Answerers.REACTIVATABLE:
            return authenticator.state in REACTIVATABLE_STATES
        if self.answerers == Answerers.PIN_CARD and not (
            authenticator.ocra_suite and ocra_uses_pin(authenticator.ocra_suite)
        ):
            return False
        return authenticator.state == Authenticator.State.ACTIVE

    def admits(self, authenticator: Authenticator, *, channel: Channel, at: datetime) -> Access:
        """May this device's answer authorize the action now? A temporary device answers
        only inside its window; past its first two days a passcode opens the portal for
        the online card alone, which authorizes nothing but that login (T2)."""
        refused = authenticator.kind_behaviour.answer_refused(authenticator)
        if refused:
            return Access(None, refused)
        if not self.offers(authenticator):
            return Access(None, _refusal_message(authenticator))
        access = temporary_access(authenticator=authenticator, channel=channel, at=at)
        if access.scope == Scope.ONLINE_CARD_ONLY and not self.online_card_only_suffices:
            return Access(None, access.message)
        return access


def _refusal_message(authenticator: Authenticator) -> str:
    if not authenticator.kind_behaviour.temporary:
        return DEVICE_NOT_ALLOWED
    if authenticator.state != Authenticator.State.ACTIVE:
        return TEMPORARY_DEVICE_REVOKED
    return PERMANENT_DEVICE_NEEDED


REACTIVATABLE_STATES = (
    Authenticator.State.ACTIVE,
    Authenticator.State.LOST,
    Authenticator.State.DAMAGED,
)

ASSURANCE: dict[Action, Requirement] = {
    Action.LOGIN_PORTAL: Requirement(
        Answerers.ANY,
        WithoutPermanent.WITHIN_WINDOW,
        "a stolen password alone opens nothing; a lost card's holder gets back in (T1-T3)",
        online_card_only_suffices=True,
    ),
    Action.LOGIN_TRADING: Requirement(
        Answerers.ANY,
        WithoutPermanent.WITHIN_WINDOW,
        "as the portal; a passcode past two days no longer trades (T2)",
    ),
    Action.WITHDRAW: Requirement(
        Answerers.ANY,
        WithoutPermanent.HELD_TO_NONE,
        "a passcode talked out of the help desk cannot move more than the 'none' row (W1)",
    ),
    Action.CHANGE_ADDRESS: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.SECURITY_TEAM,
        "a session thief redirecting the replacement card to their own door (G4)",
    ),
    Action.CHANGE_EMAIL: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.SECURITY_TEAM,
        "a session thief taking over the channel that security e-mails go to (O3)",
    ),
    Action.CHANGE_PHONE: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.ON_RECORD_ONLY,
        "a session thief routing SMS codes to their own phone (G2)",
    ),
    Action.CHANGE_BANK_INSTRUCTIONS: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.SECURITY_TEAM,
        "a session thief sending withdrawals to their own bank (O3)",
    ),
    Action.ORDER_REPLACEMENT: Requirement(
        Answerers.ANY,
        WithoutPermanent.WITHIN_WINDOW,
        "the lost-card path itself: shipped to the address of record only (T5, G4)",
    ),
    Action.ACTIVATE_REPLACEMENT: Requirement(
        Answerers.SHIPPED_CARD,
        WithoutPermanent.SESSION_ASKS,
        "a card stolen in the post is useless without the PIN chosen at order (T6)",
    ),
    Action.ACTIVATE_IB_KEY: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.ON_RECORD_ONLY,
        "a password thief registering their own phone as the victim's device (K1, G2)",
    ),
    Action.ADD_PHONE: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.ON_RECORD_ONLY,
        "a password thief adding their own number as an SMS device (E1, G2)",
    ),
    Action.ADD_SECURITY_KEY: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.REFUSED,
        "a password or session thief registering their own key as the victim's strongest "
        "device (F1, G2)",
    ),
    Action.ADD_AUTHENTICATOR_APP: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.REFUSED,
        "a password or session thief scanning the QR code into their own phone (F3, G2)",
    ),
    Action.SHARE_DEVICE: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.REFUSED,
        "a device shared from or to a user holding only a temporary device (H1b)",
    ),
    Action.OPT_OUT: Requirement(
        Answerers.PERMANENT,
        WithoutPermanent.REFUSED,
        "a session thief removing the second factor from trading logins (O2, L6)",
    ),
    Action.CHANGE_PIN: Requirement(
        Answerers.PIN_CARD,
        WithoutPermanent.REFUSED,
        "a card thief who guessed nothing setting a PIN they know (T8)",
    ),
    Action.REACTIVATE: Requirement(
        Answerers.REACTIVATABLE,
        WithoutPermanent.SESSION_ASKS,
        "only possession of the permanent device ends the temporary ones (T4)",
    ),
}


def withdrawal_cap(authenticator: Authenticator) -> WithdrawalTier | None:
    """The most a withdrawal approved by this device may reach: a temporary device's answer
    is held to the "none" row whatever else the user holds (W1, G5); a permanent device's
    answer leaves the user's own tier (None: no cap)."""
    if authenticator.kind_behaviour.temporary:
        return WithdrawalTier.NONE
    return None
