"""Reviewing a withdrawal: the client states amount and destination, sees the tier and what
is still available, and gets a challenge on a device of their choice, bound to exactly this
request (step-up, ASVS 7.5.3)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, User
from devices.models import Challenge, SecurityDevice
from devices.selectors import active_devices
from devices.services.challenges import challenge_issue
from devices.temporary import Channel, Scope, temporary_access

from .. import conf
from ..amounts import amount_check, destination_clean
from ..models import WithdrawalIntent
from ..selectors import withdrawal_capacity
from .refusals import over_limit_message, refusal_record, withdrawal_event_record

UNKNOWN_ACCOUNT = "There is no such account among yours."
NO_APPROVING_DEVICE = (
    "None of your security devices can approve a withdrawal now. Call your regional Client "
    "Services Center."
)


def approving_devices(user: User) -> list[SecurityDevice]:
    """Devices that may confirm a withdrawal, strongest first: any active device giving full
    portal access now, so a temporary passcode past its first two days (T2) cannot."""
    now = timezone.now()
    return [device for device in active_devices(user) if full_access(device, now)]


def full_access(device: SecurityDevice, at) -> bool:
    access = temporary_access(authenticator=device.authenticator, channel=Channel.PORTAL, at=at)
    return access.scope == Scope.FULL


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
) -> tuple[WithdrawalIntent, Challenge]:
    """Record the reviewed request and issue its challenge. A request already over a limit
    is refused here (with what is still available), before any device is bothered."""
    account_check(user=user, account=account)
    amount_check(amount)
    destination = destination_clean(destination)
    devices = approving_devices(user)
    if not devices:
        raise ValidationError(NO_APPROVING_DEVICE, code="no_device")
    device = next((d for d in devices if d.pk == device_id), devices[0])
    now = timezone.now()
    with transaction.atomic():
        capacity = withdrawal_capacity(user, account, now)
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
                created_at=now,
                expires_at=now + conf.INTENT_TTL,
            )
            challenge = challenge_issue(device=device, attempt=intent.attempt)
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
