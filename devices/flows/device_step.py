"""The one gate through which every second-factor answer passes (SPEC G1).

Login on both channels, the fresh factor of a settings change, sharing, the PIN change,
activating a shipped card, reactivation and withdrawals all ask and check their device
here: `step_devices` says which devices may answer an action, `step_challenge` issues the
challenge for it (`step_ask` also the IB Key push of a login), and `step_answer` checks
the answer and returns one `StepOutcome`. The lock (L3), the device's state and temporary
windows (T2, T3), the challenge's purpose and single use (D2) and what the answering
device may authorize (the assurance table, `devices.assurance`) are decided here and
nowhere else; pages and the API only render the outcome.

Refusals are of two sorts. A wrong answer, or an answer from a locked user, is a failed
attempt and counts towards L3. An answer to a challenge that is no longer open, or from a
device that may not approve the action now (an expired passcode, a lost card), is never
checked, so it tells nobody anything and counts nothing; it is audited all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import SYSTEM, ClientInfo
from accounts.models import AuditEventType, User
from accounts.services.lockout import lockout_is_active
from accounts.services.login import login_step_failed
from devices.assurance import ASSURANCE, REACTIVATABLE_STATES, Action, Answerers, withdrawal_cap
from devices.ib_key.push import push_approval_lock, push_approval_take, push_create
from devices.kinds import WithdrawalTier
from devices.models import Authenticator, Challenge, PushRequest, SecurityDevice
from devices.services.challenges import challenge_issue, challenge_open_for
from devices.services.verification import challenge_answer_check, challenge_lock, device_lock
from devices.temporary.access import access_refused_record
from devices.temporary.policy import FULL, Access, Channel

NO_DEVICE = "None of your security devices can approve this."
CHALLENGE_CLOSED = (
    "That challenge is no longer open: it expired, was already answered, or a newer one "
    "was shown. Nothing was counted; answer the challenge shown now."
)
NOT_ANSWERED = (
    "Your security key has not answered yet: press “Use security key” and follow your "
    "browser. Nothing was counted."
)
LOGIN_ACTIONS = (Action.LOGIN_PORTAL, Action.LOGIN_TRADING)


class Refusal(StrEnum):
    WRONG_ANSWER = "wrong_response"
    LOCKED = "locked"
    CHALLENGE_CLOSED = "challenge_closed"
    NOT_ANSWERED = "not_answered"
    NOT_ALLOWED = "device_not_allowed"


COUNTED = (Refusal.WRONG_ANSWER, Refusal.LOCKED)


@dataclass(frozen=True)
class Answer:
    """What the user sent back: a challenge's response, or an approved push's id."""

    device_id: int | None = None
    challenge_id: int | None = None
    response: str = ""
    push_id: int | None = None


@dataclass(frozen=True)
class StepOutcome:
    """The gate's one answer: which device answered, what it may authorize, whether the
    user is now locked. `message` explains a refusal that is not a plain wrong answer."""

    action: Action
    device: SecurityDevice | None = None
    refusal: Refusal | None = None
    message: str = ""
    access: Access = FULL
    locked: bool = False
    approval_method: str = ""

    @property
    def accepted(self) -> bool:
        return self.refusal is None and self.device is not None

    @property
    def withdrawal_cap(self) -> WithdrawalTier | None:
        """The most a withdrawal this answer approves may reach (W1, G5); None: no cap."""
        if self.refusal is not None or self.device is None:
            return WithdrawalTier.NONE
        return withdrawal_cap(self.device.authenticator)


def step_devices(user: User, action: Action) -> list[SecurityDevice]:
    """The user's devices that may be asked for `action`, strongest first (L4 preselects
    the first), in one query. Temporary windows are checked on the answer, whose refusal
    says which case of KB1132 applies."""
    requirement = ASSURANCE[action]
    devices = SecurityDevice.objects.filter(
        user=user, confirmed=True, authenticator__state__in=_states_offered(action)
    ).select_related("authenticator")
    offered = [device for device in devices if requirement.offers(device.authenticator)]
    return sorted(offered, key=lambda d: (-d.authenticator.kind_behaviour.level, d.pk))


def step_devices_admitted(
    user: User, action: Action, *, channel: Channel = Channel.PORTAL
) -> list[SecurityDevice]:
    """The devices of `step_devices` whose answer the gate would take now: a temporary
    device outside its window for this action is left out rather than offered."""
    requirement, now = ASSURANCE[action], timezone.now()
    return [
        device
        for device in step_devices(user, action)
        if requirement.admits(device.authenticator, channel=channel, at=now).allowed
    ]


def step_device_choose(
    devices: list[SecurityDevice], wanted: int | str | None
) -> SecurityDevice | None:
    """The device asked for, if it is among `devices`; else the strongest (L4)."""
    by_id = {str(device.pk): device for device in devices}
    return by_id.get(str(wanted or ""), devices[0] if devices else None)


def step_ask(
    *,
    action: Action,
    device: SecurityDevice,
    attempt: str,
    client: ClientInfo = SYSTEM,
    fallback: bool = False,
    reuse_open: bool = False,
) -> Challenge | PushRequest:
    """Ask `device`, one of `step_devices` for `action`, for its answer: an IB Key push for
    a login (K2) unless the user asked for the challenge, else its challenge."""
    kind = device.authenticator.kind_behaviour
    if kind.uses_push and action in LOGIN_ACTIONS and not fallback:
        _offered_check(action, device)
        return push_create(device=device, attempt=attempt, client=client)
    return step_challenge(action=action, device=device, attempt=attempt, reuse_open=reuse_open)


def step_challenge(
    *, action: Action, device: SecurityDevice, attempt: str, reuse_open: bool = False
) -> Challenge:
    """A challenge of `device`, one of `step_devices` for `action`, bound to this attempt
    and purpose. `reuse_open` shows a reloaded page the code already sent rather than
    texting another."""
    _offered_check(action, device)
    if reuse_open and device.authenticator.kind_behaviour.sends_code:
        current = challenge_open_for(device=device, attempt=attempt, purpose=action)
        if current is not None:
            return current
    return challenge_issue(device=device, attempt=attempt, purpose=action)


def _offered_check(action: Action, device: SecurityDevice) -> None:
    if not ASSURANCE[action].offers(device.authenticator):
        raise ValidationError(NO_DEVICE, code="no_device")


def step_answer(
    *,
    user: User,
    action: Action,
    answer: Answer,
    attempt: str,
    client: ClientInfo,
    channel: Channel = Channel.PORTAL,
    on_accept: Callable[[SecurityDevice], object] | None = None,
) -> StepOutcome:
    """Check `answer` for `action` and return the outcome. `on_accept` runs inside the
    transaction that holds the device's locks and consumed the challenge, so the change an
    answer approves commits with it or not at all; a ValidationError it raises undoes both.
    A counted refusal is written even when the caller's transaction is later rolled back
    only if the caller does not wrap this call (withdrawals return their refusal instead)."""
    with transaction.atomic():
        outcome = _decide(user=user, action=action, answer=answer, attempt=attempt, channel=channel)
        if outcome.accepted and outcome.device is not None and on_accept is not None:
            on_accept(outcome.device)
    return _record(user=user, outcome=outcome, client=client, channel=channel)


def _decide(
    *, user: User, action: Action, answer: Answer, attempt: str, channel: Channel
) -> StepOutcome:
    now = timezone.now()
    requirement = ASSURANCE[action]
    if answer.push_id is not None and action in LOGIN_ACTIONS:
        push = push_approval_lock(user_id=user.pk, push_id=answer.push_id, attempt=attempt)
        device = push.device if push is not None else None
    else:
        push = None
        device = device_lock(device_id=answer.device_id or 0, user_id=user.pk)
    if device is None:
        return StepOutcome(action, refusal=Refusal.WRONG_ANSWER)
    if lockout_is_active(user=device.user, at=now):
        return StepOutcome(action, device=device, refusal=Refusal.LOCKED)
    access = requirement.admits(device.authenticator, channel=channel, at=now)
    if not access.allowed:
        return StepOutcome(
            action, device=device, refusal=Refusal.NOT_ALLOWED, message=access.message
        )
    if push is not None:
        if not push_approval_take(push, at=now):
            return StepOutcome(action, device=device, refusal=Refusal.WRONG_ANSWER)
        _last_use_record(device, at=now)
        return StepOutcome(action, device=device, access=access, approval_method=push.method)
    if not answer.response:
        return _empty_answer(action, device)
    challenge = challenge_lock(
        device=device,
        challenge_id=answer.challenge_id or 0,
        attempt=attempt,
        purpose=action,
        at=now,
    )
    if challenge is None:
        return StepOutcome(
            action, device=device, refusal=Refusal.CHALLENGE_CLOSED, message=CHALLENGE_CLOSED
        )
    if not challenge_answer_check(
        device=device, challenge=challenge, response=answer.response, at=now
    ):
        return StepOutcome(action, device=device, refusal=Refusal.WRONG_ANSWER)
    return StepOutcome(action, device=device, access=access)


def _empty_answer(action: Action, device: SecurityDevice) -> StepOutcome:
    """No response at all. From a security key it means the form was sent before the
    browser asked the key (scripts off, or a press before the page's script loaded):
    nothing was answered, the challenge stays open and nothing counts. From a device a
    person answers it is a wrong answer, counted (L3, L5)."""
    if device.authenticator.kind_behaviour.answered_by_browser:
        return StepOutcome(
            action, device=device, refusal=Refusal.NOT_ANSWERED, message=NOT_ANSWERED
        )
    return StepOutcome(action, device=device, refusal=Refusal.WRONG_ANSWER)


def _last_use_record(device: SecurityDevice, *, at: datetime) -> None:
    """When the device last approved something, for an approved push: the support desk's
    listing shows it (a challenge's answer records it as it is checked)."""
    Authenticator.objects.filter(pk=device.authenticator_id).update(last_used_at=at)
    device.authenticator.last_used_at = at


def _record(
    *, user: User, outcome: StepOutcome, client: ClientInfo, channel: Channel
) -> StepOutcome:
    """Count a failed attempt (L3) and say whether it locked the user; audit a refusal
    that counts nothing."""
    if outcome.refusal in COUNTED:
        login_step_failed(
            user=user, client=client, step=_failure_step(outcome.action), reason=outcome.refusal
        )
        user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
        return replace(outcome, locked=lockout_is_active(user=user, at=timezone.now()))
    if outcome.refusal is not None:
        _refusal_audit(user=user, outcome=outcome, client=client, channel=channel)
    return outcome


def _refusal_audit(
    *, user: User, outcome: StepOutcome, client: ClientInfo, channel: Channel
) -> None:
    """A refusal that checked nothing: the device is known (it was not allowed, or its
    challenge was no longer open)."""
    if outcome.device is None:
        return
    access_refused_record(
        user=user,
        authenticator=outcome.device.authenticator,
        channel=channel,
        access=Access(None, outcome.message),
        step=outcome.action.value,
        client=client,
        event_type=(
            AuditEventType.ACCESS_REFUSED
            if outcome.refusal == Refusal.NOT_ALLOWED
            else AuditEventType.SECOND_FACTOR_NOT_CHECKED
        ),
    )


def _failure_step(action: Action) -> str:
    """A login's failed answer is its "second_factor" step, which tells the user by e-mail
    that someone knew the password; other actions are named after themselves."""
    return "second_factor" if action in LOGIN_ACTIONS else action.value


def _states_offered(action: Action) -> tuple[str, ...]:
    answerers = ASSURANCE[action].answerers
    if answerers == Answerers.SHIPPED_CARD:
        return (Authenticator.State.SHIPPED,)
    if answerers == Answerers.REACTIVATABLE:
        return REACTIVATABLE_STATES
    return (Authenticator.State.ACTIVE,)
