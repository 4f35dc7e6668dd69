"""Changing a DSC+ PIN in the portal (T8, KB1018).

The card hashes its PIN into every response (OCRA's P input), so answering a challenge
proves both possession of the card and knowledge of the current PIN; the new PIN then
replaces it on the server, and the card (the keypad simulator here) asks for the new one.
A wrong answer counts as a failed second factor towards the L3 lockout, exactly as at
login: otherwise this page would be a way to guess responses without limit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.login import login_step_failed

from ..models import Authenticator, Challenge, SecurityDevice
from ..ocra import ocra_uses_pin
from .challenges import challenge_issue
from .inventory import pin_encrypted
from .verification import device_lock, device_verify_locked

WRONG_RESPONSE = "That response is not right; the PIN was not changed."
NO_PIN_CARD = "You have no active card with a PIN."


def pin_card_devices(user: User) -> list[SecurityDevice]:
    """The user's active cards whose responses depend on a PIN (DSC+)."""
    devices = SecurityDevice.objects.filter(
        user=user, confirmed=True, authenticator__state=Authenticator.State.ACTIVE
    ).select_related("authenticator")
    return [
        d
        for d in devices
        if d.authenticator.ocra_suite and ocra_uses_pin(d.authenticator.ocra_suite)
    ]


def pin_change_challenge(*, user: User, device_id: int, attempt: str) -> Challenge:
    """A challenge for the card to answer with its current PIN."""
    device = next((d for d in pin_card_devices(user) if d.pk == device_id), None)
    if device is None:
        raise ValidationError(NO_PIN_CARD)
    return challenge_issue(device=device, attempt=attempt)


def device_pin_change(
    *,
    user: User,
    device_id: int,
    challenge_id: int,
    attempt: str,
    response: str,
    new_pin: str,
    client: ClientInfo,
) -> SecurityDevice:
    """Set `new_pin` on the card once `response` answers its challenge with the old PIN."""
    stored_pin = pin_encrypted(new_pin)
    with transaction.atomic():
        device = device_lock(pk=device_id, user=user, confirmed=True)
        accepted = (
            device is not None
            and device in pin_card_devices(user)
            and device_verify_locked(
                device=device, challenge_id=challenge_id, attempt=attempt, response=response
            )
        )
        if accepted:
            Authenticator.objects.filter(pk=device.authenticator_id).update(pin=stored_pin)
            audit_record(
                event_type=AuditEventType.DEVICE_PIN_CHANGED,
                outcome=AuditOutcome.SUCCESS,
                subject=user,
                actor=user,
                client=client,
                detail={"serial": device.authenticator.serial},
            )
    if not accepted:
        login_step_failed(user=user, client=client, step="pin_change", reason="wrong_response")
        raise ValidationError(WRONG_RESPONSE)
    return device
