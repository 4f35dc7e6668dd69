"""The device step as the trading channel asks and checks it: through the portal's one gate
(`devices.flows.device_step`), so that a challenge is single-use and bound to one attempt
(D2), a wrong answer counts towards the lockout (L3), and a temporary device answers only
inside its trading window (T2, T3), exactly as on the portal (G1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import User
from devices.assurance import Action
from devices.flows.device_step import Answer, StepOutcome, step_answer, step_ask
from devices.ib_key.push import PushLimitReached
from devices.models import Challenge, PushRequest, SecurityDevice
from devices.services.sms import sms_code_resend
from devices.temporary.policy import Channel
from trading.errors import PushLimited, TradingError

LOGIN = Action.LOGIN_TRADING
FactorAnswer = Answer


def factor_ask(
    *, device: SecurityDevice, attempt: str, fallback: bool, client: ClientInfo
) -> Challenge | PushRequest:
    """A push for IB Key (K2) unless the client asks for the offline challenge; a
    challenge (or an SMS code, or nothing to show for one-time-code cards) otherwise. A
    second SMS for the same login is a resend, with the portal's limits (S1)."""
    try:
        return _ask(device=device, attempt=attempt, fallback=fallback, client=client)
    except PushLimitReached as error:
        raise PushLimited(
            f"Too many notifications were sent to the phone. Wait {error.wait_text} "
            "before asking for another, or ask for the challenge (fallback) instead.",
            error.retry_after,
        ) from error


def _ask(
    *, device: SecurityDevice, attempt: str, fallback: bool, client: ClientInfo
) -> Challenge | PushRequest:
    sends_code = device.authenticator.kind_behaviour.sends_code
    if sends_code and device.challenges.filter(attempt=attempt, purpose=LOGIN).exists():
        try:
            return sms_code_resend(device=device, attempt=attempt, purpose=LOGIN)
        except ValidationError as error:
            raise TradingError(429, "too_many_codes", " ".join(error.messages)) from error
    return step_ask(action=LOGIN, device=device, attempt=attempt, client=client, fallback=fallback)


def factor_check(
    *, user: User, answer: FactorAnswer, attempt: str, client: ClientInfo
) -> StepOutcome:
    """The gate's outcome for the trading login: the device that answered and how (K5),
    or a refusal, already counted or audited."""
    return step_answer(
        user=user,
        action=LOGIN,
        answer=answer,
        attempt=attempt,
        client=client,
        channel=Channel.TRADING,
    )
