"""Making withdrawals from tests the way a client does: review, answer the device's
challenge with what the device (card, phone app, SMS inbox, passcode) gives, submit."""

from __future__ import annotations

import re
from decimal import Decimal

from accounts.client_info import SYSTEM
from accounts.models import User
from devices.gateways.locmem import sent
from devices.models import Challenge, SecurityDevice
from simulators.models import PhoneAppAccount
from simulators.phone import app_authenticate
from tests.factories import DEFAULT_PIN
from tests.login_helpers import card_answer
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.services.intents import withdrawal_intent_create
from withdrawals.services.requests import Accepted, StepUp, withdrawal_request

DESTINATION = "GB82WEST12345698765432"


def device_answer(device: SecurityDevice, challenge: Challenge, passcode: str = "") -> str:
    """What the holder of `device` types for `challenge`."""
    kind = device.authenticator.kind
    if kind == "sms":
        return re.search(r"\b([0-9]{6})\b", sent[-1].body).group(1)
    if kind == "ib_key":
        account = PhoneAppAccount.objects.get(
            username=device.user.username, serial=device.authenticator.serial
        )
        return app_authenticate(account=account, pin=DEFAULT_PIN, challenge=challenge.value)
    if kind == "temporary_passcode":
        return passcode
    return card_answer(device, challenge.value)


def review(
    user: User, amount: str, destination: str = DESTINATION, device_id: int | None = None
) -> tuple[WithdrawalIntent, Challenge]:
    return withdrawal_intent_create(
        user=user,
        account=user.account,
        amount=Decimal(amount),
        destination=destination,
        device_id=device_id,
        client=SYSTEM,
    )


def send(
    user: User,
    intent: WithdrawalIntent,
    challenge: Challenge,
    response: str,
    amount: str | None = None,
    destination: str | None = None,
    key: str | None = None,
) -> Accepted:
    """The answer submitted under `key`, by default the intent's own, as the portal does."""
    return withdrawal_request(
        user=user,
        account=user.account,
        amount=Decimal(amount) if amount is not None else intent.amount,
        destination=destination or intent.destination,
        step_up=StepUp(intent_token=intent.token, challenge_id=challenge.pk, response=response),
        idempotency_key=key or intent.idempotency_key,
        client=SYSTEM,
    )


def submit(
    user: User,
    intent: WithdrawalIntent,
    challenge: Challenge,
    response: str,
    amount: str | None = None,
    destination: str | None = None,
) -> Withdrawal:
    return send(user, intent, challenge, response, amount, destination).withdrawal


def withdraw(user: User, amount: str, passcode: str = "", device_id: int | None = None):
    """Review, approve on the device and submit; the accepted withdrawal."""
    intent, challenge = review(user, amount, device_id=device_id)
    return submit(user, intent, challenge, device_answer(intent.device, challenge, passcode))
