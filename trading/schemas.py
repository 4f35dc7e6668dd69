"""The trading API's request and answer shapes. Lengths and number ranges are bounded here,
so oversized or out-of-range input is a 422 before any hashing or database work, and text
with control characters a 400 (`bad_input`), as the portal's pages answer it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from accounts.conf import PASSWORD_MAX_LENGTH
from accounts.permissions import Market
from accounts.validators import (
    CONTROL_CHARACTERS_MESSAGE,
    USERNAME_MAX_LENGTH,
    has_control_character,
)
from devices.security_keys.webauthn import ANSWER_MAX_LENGTH
from trading import conf
from trading.models import OrderSide
from withdrawals import conf as withdrawals_conf
from withdrawals.idempotency import KEY_PATTERN

# The type of the validation error that the API answers with 400 instead of 422.
CONTROL_CHARACTERS = "control_characters"


def _refuse_control_characters(value: object) -> object:
    if isinstance(value, str) and has_control_character(value):
        raise PydanticCustomError(CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE)
    return value


# Every text field of a request carries this check, last, so that it runs first: a value
# with control characters is refused as such, whatever its length or pattern.
NoControlCharacters = BeforeValidator(_refuse_control_characters)

RowId = Annotated[int, Field(ge=1, le=2**62)]
Secret = Annotated[str, Field(min_length=1, max_length=conf.TOKEN_MAX_LENGTH), NoControlCharacters]
# What a person types is short; a security key's answer is its assertion as JSON text (F4).
Response = Annotated[str, Field(max_length=ANSWER_MAX_LENGTH), NoControlCharacters]
# A security key's WebAuthn request options (PublicKeyCredentialRequestOptionsJSON): pass
# them to the authenticator and post its assertion, as JSON text, as the response (F4).
# None for the devices a person answers.
WebAuthnOptions = dict[str, Any] | None


class LoginIn(Schema):
    username: Annotated[str, Field(max_length=USERNAME_MAX_LENGTH), NoControlCharacters]
    password: Annotated[str, Field(max_length=PASSWORD_MAX_LENGTH), NoControlCharacters]


class DeviceOut(Schema):
    id: int
    kind: str
    label: str
    uses_push: bool
    temporary: bool


class SessionOut(Schema):
    user: str
    account: str | None
    device: DeviceOut | None
    approval_method: str
    authenticated_at: datetime
    expires_at: datetime
    allows: list[str]


class LoginOut(Schema):
    """`authenticated` with a token, or `second_factor_required` with a login id."""

    status: Literal["authenticated", "second_factor_required"]
    token: str | None = None
    session: SessionOut | None = None
    login_id: str | None = None
    login_expires_at: datetime | None = None
    devices: list[DeviceOut] = []


class ChallengeIn(Schema):
    login_id: Secret
    device_id: RowId | None = None
    fallback: bool = False


class AskOut(Schema):
    """A push to approve in the app (number matching), or a challenge to answer: typed,
    or by a security key from `webauthn`."""

    type: Literal["push", "challenge"]
    device_id: int
    push_id: int | None = None
    number: str | None = None
    challenge_id: int | None = None
    challenge: str | None = None
    prompt: str | None = None
    response_label: str | None = None
    webauthn: WebAuthnOptions = None
    expires_at: datetime


class PushStateIn(Schema):
    login_id: Secret
    push_id: RowId


class PushStateOut(Schema):
    status: str


class VerifyIn(Schema):
    login_id: Secret
    device_id: RowId | None = None
    challenge_id: RowId | None = None
    response: Response = ""
    push_id: RowId | None = None


class ReauthenticateIn(Schema):
    fallback: bool = False


class ReauthPushStateIn(Schema):
    push_id: RowId


class ExtendIn(Schema):
    challenge_id: RowId | None = None
    response: Response = ""
    push_id: RowId | None = None
    password: Annotated[str, Field(max_length=PASSWORD_MAX_LENGTH), NoControlCharacters] = ""


class LogoutOut(Schema):
    status: Literal["ended"]


class ErrorOut(Schema):
    error: str
    detail: str | list


# Amounts and prices travel as JSON strings and are parsed exactly by the services' own
# parsers; a JSON number (a binary float in most clients) is refused as a wrong type.
StrictText = Annotated[str, Field(strict=True)]


class PermissionsOut(Schema):
    """`accounts.permissions.account_permissions(account).as_dict()`, with the account."""

    account: str
    sls_enrolled: bool
    trading_login_needs_device: bool
    markets: dict[str, bool]
    features: dict[str, bool]
    ach_eft_cap_usd: str | None


class OrderIn(Schema):
    symbol: Annotated[
        StrictText,
        Field(max_length=conf.SYMBOL_MAX_LENGTH, pattern=conf.SYMBOL_PATTERN),
        NoControlCharacters,
    ]
    market: Market
    side: OrderSide
    quantity: Annotated[int, Field(strict=True, ge=1, le=conf.ORDER_MAX_QUANTITY)]
    limit_price: Annotated[StrictText, Field(max_length=24), NoControlCharacters] | None = None


class OrderOut(Schema):
    id: int
    status: Literal["accepted"]
    simulated: bool
    account: str
    symbol: str
    market: str
    side: str
    quantity: int
    order_type: Literal["market", "limit"]
    limit_price: str | None
    created_at: datetime


class CapacityOut(Schema):
    """W1–W3 for the session's user: the tier, why, and both rolling windows."""

    account: str
    currency: str
    tier: str
    tier_label: str
    why: str
    business_day: date
    window_start: date
    limits: dict[str, str | None]
    used: dict[str, str]
    available: dict[str, str | None]
    devices: list[DeviceOut]


class IntentIn(Schema):
    amount: Annotated[StrictText, Field(max_length=40), NoControlCharacters]
    destination: Annotated[StrictText, Field(max_length=64), NoControlCharacters]
    device_id: RowId | None = None


class IntentOut(Schema):
    """The reviewed withdrawal and its challenge: answer it on `device` within 3 minutes."""

    intent_token: str
    amount: str
    destination: str
    device: DeviceOut
    challenge_id: int
    challenge: str
    prompt: str
    response_label: str
    webauthn: WebAuthnOptions = None
    expires_at: datetime


# Chosen by the client, once per withdrawal it means to make, and sent again unchanged with
# every retry of that withdrawal: a UUID, or 16 to 64 URL-safe characters.
IdempotencyKey = Annotated[
    str,
    Field(
        strict=True,
        min_length=withdrawals_conf.IDEMPOTENCY_KEY_MIN_LENGTH,
        max_length=withdrawals_conf.IDEMPOTENCY_KEY_MAX_LENGTH,
        pattern=f"^{KEY_PATTERN.pattern}$",
    ),
    NoControlCharacters,
]


class WithdrawIn(Schema):
    intent_token: Secret
    challenge_id: RowId | None = None
    response: Response = ""
    amount: Annotated[StrictText, Field(max_length=40), NoControlCharacters]
    destination: Annotated[StrictText, Field(max_length=64), NoControlCharacters]
    idempotency_key: IdempotencyKey


class WithdrawalOut(Schema):
    id: int
    account: str
    amount: str
    currency: str
    destination: str
    tier: str
    tier_reason: str
    business_day: date
    created_at: datetime


class RefusalOut(Schema):
    """A withdrawal the rules refused; `reason` is over_limit, wrong_response,
    approval_unusable, approval_mismatch or already_made (with the withdrawal made)."""

    error: Literal["withdrawal_refused"]
    reason: str
    detail: str
    withdrawal: WithdrawalOut | None = None
