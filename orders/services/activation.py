"""Activating a delivered DSC+ before its three weeks are up (KB1132 §10): the holder
proves possession by answering the card's challenge with the PIN chosen at order.

A wrong answer counts as a failed second factor towards the L3 lockout, as at login and
on the PIN change, so this page cannot be used to guess responses without limit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, User
from devices.assurance import Action
from devices.flows.device_step import Answer, StepOutcome, step_answer, step_challenge
from devices.models import Authenticator, Challenge, SecurityDevice
from orders.models import DeviceOrder
from orders.services.orders import device_order_activate

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
    return step_challenge(action=Action.ACTIVATE_REPLACEMENT, device=device, attempt=attempt)


def device_order_activate_by_holder(
    *, user: User, challenge_id: int, attempt: str, response: str, client: ClientInfo
) -> StepOutcome:
    """Activate the card of the user's open order once it answers its challenge, in the
    gate's transaction; ValidationError, changing nothing, when no card is in transit."""
    device = shipped_device(user)
    if device is None:
        raise ValidationError(NOTHING_SHIPPED)

    def activate(device: SecurityDevice) -> None:
        order = (
            DeviceOrder.objects.select_for_update()
            .filter(
                user=user,
                status=DeviceOrder.Status.SHIPPED,
                authenticator_id=device.authenticator_id,
            )
            .first()
        )
        activated = order is not None and device_order_activate(
            order=order, client=client, actor=user, event_type=AuditEventType.DEVICE_REACTIVATED
        )
        if not activated:
            raise ValidationError(NOTHING_SHIPPED)

    return step_answer(
        user=user,
        action=Action.ACTIVATE_REPLACEMENT,
        answer=Answer(device_id=device.pk, challenge_id=challenge_id, response=response),
        attempt=attempt,
        client=client,
        on_accept=activate,
    )
