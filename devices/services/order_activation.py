"""Activating a delivered DSC+ before its three weeks are up (KB1132 §10): the holder
proves possession by answering the card's challenge with the PIN chosen at order.

A wrong answer counts as a failed second factor towards the L3 lockout, as at login and
on the PIN change, so this page cannot be used to guess responses without limit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, User
from accounts.services.login import login_step_failed

from ..models import Authenticator, Challenge, DeviceOrder, SecurityDevice
from .challenges import challenge_issue
from .orders import device_order_activate
from .verification import device_lock, device_verify_locked

WRONG_RESPONSE = "That response is not right; the card was not activated."
NOTHING_SHIPPED = "You have no card on its way to activate."


def shipped_device(user: User) -> SecurityDevice | None:
    """The user's device row of the card of its open order, while that card is in transit."""
    return (
        SecurityDevice.objects.filter(
            user=user,
            authenticator__state=Authenticator.State.SHIPPED,
            authenticator__order__status=DeviceOrder.Status.SHIPPED,
            authenticator__order__user=user,
        )
        .select_related("authenticator")
        .first()
    )


def order_activation_challenge(*, user: User, attempt: str) -> Challenge:
    device = shipped_device(user)
    if device is None:
        raise ValidationError(NOTHING_SHIPPED)
    return challenge_issue(device=device, attempt=attempt)


def device_order_activate_by_holder(
    *, user: User, challenge_id: int, attempt: str, response: str, client: ClientInfo
) -> DeviceOrder:
    """Activate the card of the user's open order once it answers its challenge."""
    with transaction.atomic():
        order = (
            DeviceOrder.objects.select_for_update()
            .filter(user=user, status=DeviceOrder.Status.SHIPPED)
            .first()
        )
        device = (
            device_lock(user=user, authenticator_id=order.authenticator_id)
            if order is not None
            else None
        )
        accepted = (
            device is not None
            and device_verify_locked(
                device=device,
                challenge_id=challenge_id,
                attempt=attempt,
                response=response,
                states=(Authenticator.State.SHIPPED,),
            )
            and device_order_activate(
                order=order,
                client=client,
                actor=user,
                event_type=AuditEventType.DEVICE_REACTIVATED,
            )
        )
    if not accepted:
        login_step_failed(
            user=user, client=client, step="device_activation", reason="wrong_response"
        )
        raise ValidationError(WRONG_RESPONSE)
    return order
