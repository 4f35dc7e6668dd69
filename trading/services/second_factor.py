"""The device step as the trading channel asks and checks it: through the portal's own
services (challenge_issue, second_factor_verify, push_create, push_login_verify), so that a
challenge is single-use and bound to one attempt (D2) and a wrong answer counts towards the
lockout (L3) exactly as on the portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import User
from devices.models import Challenge, PushRequest, SecurityDevice
from devices.services.challenges import challenge_issue
from devices.services.push import PushLimitReached, push_create, push_login_verify
from devices.services.sms import sms_code_resend
from devices.services.verification import second_factor_verify

from ..errors import PushLimited, TradingError
from ..models import ApprovalMethod


@dataclass(frozen=True)
class FactorAnswer:
    """What the client sends back: an approved push's id, or a challenge's response."""

    device_id: int | None = None
    challenge_id: int | None = None
    response: str = ""
    push_id: int | None = None


def factor_ask(
    *, device: SecurityDevice, attempt: str, fallback: bool, client: ClientInfo
) -> Challenge | PushRequest:
    """A push for IB Key (K2) unless the client asks for the offline challenge; a
    challenge (or an SMS code, or nothing to show for one-time-code cards) otherwise. A
    second SMS for the same login is a resend, with the portal's limits (S1)."""
    if device.authenticator.kind_behaviour.uses_push and not fallback:
        try:
            return push_create(device=device, attempt=attempt, client=client)
        except PushLimitReached as error:
            raise PushLimited(
                f"Too many notifications were sent to the phone. Wait {error.wait_text} "
                "before asking for another, or ask for the challenge (fallback) instead.",
                error.retry_after,
            ) from error
    if device.authenticator.kind == "sms" and device.challenges.filter(attempt=attempt).exists():
        try:
            return sms_code_resend(device=device, attempt=attempt)
        except ValidationError as error:
            raise TradingError(429, "too_many_codes", " ".join(error.messages)) from error
    return challenge_issue(device=device, attempt=attempt)


def factor_check(
    *, user: User, answer: FactorAnswer, attempt: str, client: ClientInfo
) -> tuple[SecurityDevice, ApprovalMethod] | None:
    """The device that answered and how (K5), or None: a failed attempt, already counted."""
    if answer.push_id is not None:
        push = push_login_verify(user=user, push_id=answer.push_id, attempt=attempt, client=client)
        if push is None:
            return None
        return push.device, ApprovalMethod(push.method)
    device = second_factor_verify(
        user=user,
        device_id=answer.device_id or 0,
        challenge_id=answer.challenge_id,
        attempt=attempt,
        response=answer.response,
        client=client,
    )
    return None if device is None else (device, ApprovalMethod.RESPONSE)
