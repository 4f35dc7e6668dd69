"""The trading API's request and answer shapes. Lengths and number ranges are bounded here,
so oversized or out-of-range input is a 422 before any hashing or database work."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from accounts.conf import PASSWORD_MAX_LENGTH
from accounts.validators import USERNAME_MAX_LENGTH

from . import conf

RowId = Annotated[int, Field(ge=1, le=2**62)]
Secret = Annotated[str, Field(min_length=1, max_length=conf.TOKEN_MAX_LENGTH)]
Response = Annotated[str, Field(max_length=64)]


class LoginIn(Schema):
    username: Annotated[str, Field(max_length=USERNAME_MAX_LENGTH)]
    password: Annotated[str, Field(max_length=PASSWORD_MAX_LENGTH)]


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
    """A push to approve in the app (number matching), or a challenge to answer."""

    type: Literal["push", "challenge"]
    device_id: int
    push_id: int | None = None
    number: str | None = None
    challenge_id: int | None = None
    challenge: str | None = None
    prompt: str | None = None
    response_label: str | None = None
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
    password: Annotated[str, Field(max_length=PASSWORD_MAX_LENGTH)] = ""


class LogoutOut(Schema):
    status: Literal["ended"]


class ErrorOut(Schema):
    error: str
    detail: str | list
