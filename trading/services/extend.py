"""K5: "as long as the user authenticates at least once in that period". A live session
asks its device again (a push for IB Key, else a challenge) and a right answer runs the
session's full length again from then. A session opened with the password alone (L6) is
extended with the password. Wrong answers count towards the lockout (L3), and a session
whose user gets locked ends."""

from __future__ import annotations

from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.services.login import login_password_check
from devices.ib_key.push import PushState, push_state
from devices.models import Challenge, PushRequest
from trading.errors import TradingError, invalid_credentials, login_failed
from trading.models import ApprovalMethod, PendingTradingLogin, TradingSession
from trading.services.pending import pending_open
from trading.services.second_factor import FactorAnswer, factor_ask, factor_check
from trading.services.sessions import trading_session_end_if_locked, trading_session_prolong


def trading_reauthentication_begin(
    *, session: TradingSession, fallback: bool, client: ClientInfo
) -> Challenge | PushRequest:
    """Ask the session's own device again; an earlier unanswered request is dropped."""
    if session.device is None:
        raise _password_session()
    _, pending = pending_open(user=session.user, session=session)
    return factor_ask(
        device=session.device, attempt=pending.attempt, fallback=fallback, client=client
    )


def trading_reauthentication_push_state(*, session: TradingSession, push_id: int) -> PushState:
    pending = _pending(session)
    return push_state(user=session.user, push_id=push_id, attempt=pending.attempt)


def trading_session_extend(
    *, session: TradingSession, answer: FactorAnswer, password: str, client: ClientInfo
) -> TradingSession:
    """Extend on a fresh authentication, by the same device that opened the session."""
    if session.device is None:
        check = login_password_check(
            username=session.user.username, password=password, client=client
        )
        if not check.accepted:
            trading_session_end_if_locked(session=session, client=client)
            raise invalid_credentials()
        return trading_session_prolong(
            session=session, device=None, method=ApprovalMethod.PASSWORD, client=client
        )
    pending = _pending(session)
    own_device = FactorAnswer(
        device_id=session.device_id,
        challenge_id=answer.challenge_id,
        response=answer.response,
        push_id=answer.push_id,
    )
    outcome = factor_check(
        user=session.user, answer=own_device, attempt=pending.attempt, client=client
    )
    if not outcome.accepted or outcome.device != session.device:
        trading_session_end_if_locked(session=session, client=client)
        raise login_failed()
    pending.delete()
    method = ApprovalMethod(outcome.approval_method or ApprovalMethod.RESPONSE)
    return trading_session_prolong(
        session=session, device=session.device, method=method, client=client
    )


def _pending(session: TradingSession) -> PendingTradingLogin:
    pending = PendingTradingLogin.objects.filter(
        session=session, expires_at__gt=timezone.now()
    ).first()
    if pending is None:
        raise TradingError(
            409,
            "no_reauthentication",
            "Ask your device first: POST /api/trading/session/reauthenticate.",
        )
    return pending


def _password_session() -> TradingError:
    return TradingError(
        409,
        "password_session",
        "This session was opened with the password alone; extend it with your password.",
    )
