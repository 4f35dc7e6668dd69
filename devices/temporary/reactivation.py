"""T4 "Reactivate security device": the user proves possession of a permanent device by
answering its challenge; it is active again and every temporary device ends at once
(KB1132 §10). A device marked lost or damaged and found again is accepted too."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import User
from devices.assurance import Action
from devices.flows.device_step import (
    Answer,
    StepOutcome,
    step_answer,
    step_challenge,
    step_device_choose,
    step_devices,
)
from devices.kinds import TEMPORARY_KINDS
from devices.models import Authenticator, Challenge, SecurityDevice
from devices.temporary.services import temporary_devices_end

NOT_YOUR_DEVICE = "Choose one of your own security devices."
NO_TEMPORARY_DEVICE = "You have no temporary device, so there is nothing to reactivate."


def reactivation_candidates(user: User) -> list[SecurityDevice]:
    """The user's permanent devices that may be reactivated, in one query."""
    return step_devices(user, Action.REACTIVATE)


def has_temporary_device(user: User) -> bool:
    return Authenticator.objects.filter(
        kind__in=TEMPORARY_KINDS, state=Authenticator.State.ACTIVE, user_devices__user=user
    ).exists()


def reactivation_challenge_issue(*, user: User, device_id: int, attempt: str) -> Challenge:
    """The challenge of the device the user says is back; another user's id is refused."""
    device = _candidate(user, device_id)
    if not has_temporary_device(user):
        raise ValidationError(NO_TEMPORARY_DEVICE)
    return step_challenge(action=Action.REACTIVATE, device=device, attempt=attempt)


def device_reactivate(
    *,
    user: User,
    device_id: int,
    challenge_id: int | None,
    attempt: str,
    response: str,
    client: ClientInfo,
) -> StepOutcome:
    """The gate's outcome: on a right answer the device is active again and every temporary
    device has ended, in the gate's transaction. Raises ValidationError, changing nothing,
    for a device that is not the user's or when no temporary device is active."""
    _candidate(user, device_id)

    def reactivate(device: SecurityDevice) -> None:
        temporaries = Authenticator.objects.select_for_update().filter(
            kind__in=TEMPORARY_KINDS, state=Authenticator.State.ACTIVE, user_devices__user=user
        )
        if not list(temporaries):
            raise ValidationError(NO_TEMPORARY_DEVICE)
        authenticator = device.authenticator
        previous_state = authenticator.state
        authenticator.state = Authenticator.State.ACTIVE
        authenticator.save(update_fields=["state"])
        temporary_devices_end(
            user=user,
            client=client,
            actor=user,
            detail={"serial": authenticator.serial, "previous_state": previous_state},
        )

    return step_answer(
        user=user,
        action=Action.REACTIVATE,
        answer=Answer(device_id=device_id, challenge_id=challenge_id, response=response),
        attempt=attempt,
        client=client,
        on_accept=reactivate,
    )


def _candidate(user: User, device_id: int) -> SecurityDevice:
    candidates = reactivation_candidates(user)
    device = step_device_choose(candidates, device_id)
    if device is None or device.pk != device_id:
        raise ValidationError(NOT_YOUR_DEVICE)
    return device
