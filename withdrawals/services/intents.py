"""Reviewing a withdrawal: the client states amount and destination, sees the tier and what
is still available, and gets a challenge on a device of their choice, bound to exactly this
request (step-up, ASVS 7.5.3). The portal's form carries the request's idempotency key from
here on: a review sent again after its withdrawal was made names that withdrawal instead of
bothering the device again."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, User
from devices.assurance import Action, withdrawal_cap
from devices.flows.device_step import step_challenge, step_devices_admitted
from devices.models import Challenge, SecurityDevice
from withdrawals import conf
from withdrawals.amounts import amount_check, destination_clean
from withdrawals.idempotency import idempotency_key_check, idempotency_key_new
from withdrawals.models import WithdrawalIntent
from withdrawals.selectors import withdrawal_capacity
from withdrawals.services.refusals import (
    over_limit_message,
    refusal_record,
    withdrawal_event_record,
)
from withdrawals.services.repeats import already_made_check

UNKNOWN_ACCOUNT = "There is no such account among yours."
NO_APPROVING_DEVICE = (
    "None of your security devices can approve a withdrawal now. Call your regional Client "
    "Services Center."
)


def approving_devices(user: User) -> list[SecurityDevice]:
    """Devices the assurance table lets approve a withdrawal now, strongest first: a
    temporary passcode past its first two days (T2) is not offered."""
    return step_devices_admitted(user, Action.WITHDRAW)


def account_check(*, user: User, account: Account) -> None:
    """Another user's account reads exactly like one that does not exist."""
    if account.pk is None or account.pk != user.account_id:
        raise ValidationError(UNKNOWN_ACCOUNT, code="unknown_account")


def withdrawal_intent_create(
    *,
    user: User,
    account: Account,
    amount: Decimal,
    destination: str,
    device_id: int | None,
    client: ClientInfo,
    idempotency_key: str | None = None,
) -> tuple[WithdrawalIntent, Challenge]:
    """Record the reviewed request and issue its challenge. A request already over a limit
    is refused here (with what is still available), before any device is bothered.

    `idempotency_key` is the one the portal's form carries: a request already made under it
    raises AlreadyMade, the key used for another request KeyReused. Without one (the API,
    whose client sends its key with the answer) the intent draws its own."""
    account_check(user=user, account=account)
    amount_check(amount)
    destination = destination_clean(destination)
    if idempotency_key is None:
        key = idempotency_key_new()
    else:
        key = idempotency_key_check(idempotency_key)
        already_made_check(
            user=user, key=key, account=account, amount=amount, destination=destination
        )
    devices = approving_devices(user)
    if not devices:
        raise ValidationError(NO_APPROVING_DEVICE, code="no_device")
    device = next((d for d in devices if d.pk == device_id), devices[0])
    now = timezone.now()
    with transaction.atomic():
        capacity = withdrawal_capacity(user, account, now, withdrawal_cap(device.authenticator))
        if not capacity.allows(amount):
            refusal = refusal_record(
                user=user,
                account=account,
                amount=amount,
                destination=destination,
                message=over_limit_message(amount, capacity),
                reason="over_limit",
                client=client,
            )
        else:
            refusal = None
            intent = WithdrawalIntent.objects.create(
                user=user,
                account=account,
                amount=amount,
                destination=destination,
                device=device,
                idempotency_key=key,
                created_at=now,
                expires_at=now + conf.INTENT_TTL,
            )
            challenge = step_challenge(
                action=Action.WITHDRAW, device=device, attempt=intent.attempt
            )
            withdrawal_event_record(
                event_type=AuditEventType.WITHDRAWAL_REQUESTED,
                user=user,
                account=account,
                amount=amount,
                destination=destination,
                client=client,
                device=device.authenticator.kind,
            )
    if refusal is not None:
        raise refusal
    return intent, challenge
