"""Changing a DSC+ PIN in the portal (T8, KB1018).

The card hashes its PIN into every response (OCRA's P input), so answering a challenge
proves both possession of the card and knowledge of the current PIN; the new PIN then
replaces it on the server, and the card (the keypad simulator here) asks for the new one.
A wrong answer counts as a failed second factor towards the L3 lockout, exactly as at
login: otherwise this page would be a way to guess responses without limit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from devices.assurance import Action
from devices.flows.device_step import Answer, StepOutcome, step_answer, step_challenge, step_devices
from devices.models import Authenticator, Challenge, SecurityDevice
from devices.services.inventory import pin_encrypted

WRONG_RESPONSE = "That response is not right; the PIN was not changed."
NO_PIN_CARD = "You have no active card with a PIN."


def pin_card_devices(user: User) -> list[SecurityDevice]:
    """The user's active cards whose responses depend on a PIN (DSC+)."""
    return step_devices(user, Action.CHANGE_PIN)


def pin_change_challenge(*, user: User, device_id: int, attempt: str) -> Challenge:
    """A challenge for the card to answer with its current PIN."""
    device = next((d for d in pin_card_devices(user) if d.pk == device_id), None)
    if device is None:
        raise ValidationError(NO_PIN_CARD)
    return step_challenge(action=Action.CHANGE_PIN, device=device, attempt=attempt)


def device_pin_change(
    *,
    user: User,
    device_id: int,
    challenge_id: int,
    attempt: str,
    response: str,
    new_pin: str,
    client: ClientInfo,
) -> StepOutcome:
    """Set `new_pin` on the card once `response` answers its challenge with the old PIN;
    the gate's outcome says whether it did (a refusal is counted or audited there)."""
    stored_pin = pin_encrypted(new_pin)

    def pin_set(device: SecurityDevice) -> None:
        Authenticator.objects.filter(pk=device.authenticator_id).update(pin=stored_pin)
        audit_record(
            event_type=AuditEventType.DEVICE_PIN_CHANGED,
            outcome=AuditOutcome.SUCCESS,
            subject=user,
            actor=user,
            client=client,
            detail={"serial": device.authenticator.serial},
        )

    return step_answer(
        user=user,
        action=Action.CHANGE_PIN,
        answer=Answer(device_id=device_id, challenge_id=challenge_id, response=response),
        attempt=attempt,
        client=client,
        on_accept=pin_set,
    )
