"""T4 "Reactivate security device": the user proves possession of a permanent device by
answering its challenge; it is active again and every temporary device ends at once
(KB1132 §10). A device marked lost or damaged and found again is accepted too."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.login import login_step_failed

from ..models import Authenticator, Challenge, SecurityDevice
from .challenges import challenge_issue
from .temporary import TEMPORARY_KINDS, temporary_devices_end
from .verification import device_lock, device_verify_locked

REACTIVATABLE_STATES = (
    Authenticator.State.ACTIVE,
    Authenticator.State.LOST,
    Authenticator.State.DAMAGED,
)
NOT_YOUR_DEVICE = "Choose one of your own security devices."
NO_TEMPORARY_DEVICE = "You have no temporary device, so there is nothing to reactivate."


def reactivation_candidates(user: User) -> list[SecurityDevice]:
    """The user's permanent devices that may be reactivated, in one query."""
    devices = SecurityDevice.objects.filter(
        user=user, confirmed=True, authenticator__state__in=REACTIVATABLE_STATES
    ).select_related("authenticator")
    return [device for device in devices if not device.authenticator.kind_behaviour.temporary]


def has_temporary_device(user: User) -> bool:
    return Authenticator.objects.filter(
        kind__in=TEMPORARY_KINDS, state=Authenticator.State.ACTIVE, user_devices__user=user
    ).exists()


def reactivation_challenge_issue(*, user: User, device_id: int, attempt: str) -> Challenge:
    """The challenge of the device the user says is back; another user's id is refused."""
    device = _candidate(user, device_id, lock=False)
    if not has_temporary_device(user):
        raise ValidationError(NO_TEMPORARY_DEVICE)
    return challenge_issue(device=device, attempt=attempt)


def device_reactivate(
    *,
    user: User,
    device_id: int,
    challenge_id: int | None,
    attempt: str,
    response: str,
    client: ClientInfo,
) -> SecurityDevice | None:
    """The reactivated device, or None when the answer was wrong: a wrong answer is a
    failed attempt (L3) and changes nothing else. Raises ValidationError, changing
    nothing, for a device that is not the user's or when no temporary device is active."""
    with transaction.atomic():
        device = _candidate(user, device_id, lock=True)
        temporaries = Authenticator.objects.select_for_update().filter(
            kind__in=TEMPORARY_KINDS, state=Authenticator.State.ACTIVE, user_devices__user=user
        )
        if not list(temporaries):
            raise ValidationError(NO_TEMPORARY_DEVICE)
        accepted = device_verify_locked(
            device=device,
            challenge_id=challenge_id,
            attempt=attempt,
            response=response,
            states=REACTIVATABLE_STATES,
        )
        if accepted:
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
            return device
    login_step_failed(user=user, client=client, step="reactivation", reason="wrong_response")
    return None


def _candidate(user: User, device_id: int, *, lock: bool) -> SecurityDevice:
    filters = {"pk": device_id, "user": user, "confirmed": True}
    if lock:
        device = device_lock(**filters)
    else:
        device = SecurityDevice.objects.filter(**filters).select_related("authenticator").first()
    if (
        device is None
        or device.authenticator.kind_behaviour.temporary
        or device.authenticator.state not in REACTIVATABLE_STATES
    ):
        raise ValidationError(NOT_YOUR_DEVICE)
    return device
