"""Logging in on the trading channel with the portal's own services: the password step
(login_password_check: L1-L3 and the audit trail), then the device step through the one
gate (`devices.flows.device_step`: step_ask, then step_answer). An opted-out user's
password alone opens the session (L6); a temporary device opens it only inside its trading
window (T2, T3).

Each step is several transactions on purpose, as on the portal: a refusal is raised, and
the failure it counted and audited must stay written (L3). The completion of a login is one
transaction: the pending login goes, the failure count starts again with its
`login.succeeded` event, and the session opens with its own, all or none of them, so a
worker killed midway leaves no event without its session nor a session without events."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.login import login_password_check, login_succeeded
from accounts.services.throttle import throttle_attempt
from devices.flows.device_step import Refusal, step_device_choose, step_devices
from devices.ib_key.push import PushState, push_state
from devices.models import Challenge, PushRequest, SecurityDevice
from trading.errors import (
    Throttled,
    TradingError,
    invalid_credentials,
    login_failed,
    no_device,
    unknown_device,
)
from trading.models import ApprovalMethod, PendingTradingLogin
from trading.selectors import is_opted_out
from trading.services.pending import pending_find, pending_open
from trading.services.second_factor import LOGIN, FactorAnswer, factor_ask, factor_check
from trading.services.sessions import OpenedSession, trading_session_start


@dataclass(frozen=True)
class SecondFactorRequired:
    """The password was right: the login waits for one of `devices` to answer."""

    login_id: str
    pending: PendingTradingLogin
    devices: list[SecurityDevice]


def trading_login_begin(
    *, username: str, password: str, client: ClientInfo
) -> OpenedSession | SecondFactorRequired:
    """The password step: a session already for an opted-out user (L6), else a pending
    login and the devices to choose from. The check runs in its own transaction and is not
    rolled back by the refusal that follows, so a wrong password is counted (L3) and
    audited. The throttles count it with the portal's password step, whatever the channel."""
    verdict = throttle_attempt(scope="password", client=client, username=username)
    if not verdict.allowed:
        raise Throttled(verdict)
    user = login_password_check(username=username, password=password, client=client).user
    if user is None:
        raise invalid_credentials()
    if is_opted_out(user):
        return _login_complete(
            user=user, device=None, method=ApprovalMethod.PASSWORD, client=client
        )
    devices = step_devices(user, LOGIN)
    if not devices:
        raise no_device()
    login_id, pending = pending_open(user=user)
    return SecondFactorRequired(login_id=login_id, pending=pending, devices=devices)


def trading_challenge_issue(
    *, login_id: str, device_id: int | None, fallback: bool, client: ClientInfo
) -> Challenge | PushRequest:
    """Ask the chosen device (the strongest when none is named, L4): an IB Key push, or a
    challenge; another user's or an inactive device is refused and nothing is issued."""
    pending = pending_find(login_id)
    _second_factor_throttle(pending, client)
    devices = step_devices(pending.user, LOGIN)
    chosen = step_device_choose(devices, device_id)
    if chosen is None or (device_id is not None and chosen.pk != device_id):
        raise unknown_device()
    return factor_ask(device=chosen, attempt=pending.attempt, fallback=fallback, client=client)


def trading_push_state(*, login_id: str, push_id: int) -> PushState:
    """What the waiting client polls until the phone has answered."""
    pending = pending_find(login_id)
    return push_state(user=pending.user, push_id=push_id, attempt=pending.attempt)


def trading_second_factor_verify(
    *, login_id: str, answer: FactorAnswer, client: ClientInfo
) -> OpenedSession:
    """The device step. A wrong answer is "Login failed" and a failed attempt (L5, L3); the
    login may be retried with a new challenge until it expires or the user is locked."""
    pending = pending_find(login_id)
    _second_factor_throttle(pending, client)
    user = pending.user
    outcome = factor_check(user=user, answer=answer, attempt=pending.attempt, client=client)
    if outcome.accepted:
        return _login_complete(
            user=user,
            device=outcome.device,
            method=ApprovalMethod(outcome.approval_method or ApprovalMethod.RESPONSE),
            client=client,
            pending=pending,
        )
    if outcome.refusal == Refusal.NOT_ALLOWED:
        pending.delete()
        raise TradingError(403, "access_refused", outcome.message)
    if outcome.refusal == Refusal.CHALLENGE_CLOSED:
        raise TradingError(409, "challenge_closed", outcome.message)
    if outcome.refusal == Refusal.NOT_ANSWERED:
        raise TradingError(400, "not_answered", outcome.message)
    if outcome.locked or outcome.refusal == Refusal.LOCKED:
        pending.delete()
    raise login_failed()


@transaction.atomic
def _login_complete(
    *,
    user: User,
    device: SecurityDevice | None,
    method: ApprovalMethod,
    client: ClientInfo,
    pending: PendingTradingLogin | None = None,
) -> OpenedSession:
    """Every step passed: end the pending login, reset the failure count (L3) with its
    event and open the session with its own, in one transaction."""
    if pending is not None:
        pending.delete()
    login_succeeded(user=user, client=client)
    return trading_session_start(user=user, device=device, method=method, client=client)


def _second_factor_throttle(pending: PendingTradingLogin, client: ClientInfo) -> None:
    """Asking the device and answering it count with the portal's device step."""
    verdict = throttle_attempt(scope="second_factor", client=client, user=pending.user)
    if not verdict.allowed:
        raise Throttled(verdict)
