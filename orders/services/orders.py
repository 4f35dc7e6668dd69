"""Ordering a DSC+ from the SLS page (T5), shipped to the address of record only (G4), and
its activation three weeks after shipment at the latest (T6). A card is taken from
inventory and shipped at once, so the order is placed and shipped in one transaction: the
confirmation can give real dates."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, AuditOutcome, Client, User
from accounts.services.addresses import Address
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send
from devices.assurance import Action
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.services.fresh_factor import FreshFactor, fresh_factor_require
from devices.services.inventory import pin_encrypted
from devices.temporary.services import temporary_devices_end
from orders.delivery import auto_activation_at, delivery_estimate
from orders.models import DeviceOrder
from orders.selectors import dsc_plus_eligibility, hold_accounts

OUT_OF_STOCK = (
    "No Digital Security Card+ is in stock at the moment, so nothing was ordered and no "
    "deposit was held. Please try again in a few days."
)
ALREADY_ORDERED = "This request was already submitted: your DSC+ is on its way."
WRONG_ACCOUNT = "Choose one of your own accounts to hold the USD 20 deposit."
ADDRESS_INCOMPLETE = (
    "We have no complete address of record for you: add it with Change Address first."
)
RETIRED_STATES = (Authenticator.State.ACTIVE, Authenticator.State.SHIPPED)


@transaction.atomic
def device_order_place(
    *,
    user: User,
    pin: str,
    hold_account_id: int,
    fresh_factor: FreshFactor | None,
    client: ClientInfo,
) -> DeviceOrder:
    """Take an in-stock DSC+, set the client's PIN on it, ship it to the client's address
    of record and hold USD 20 on one of the client's accounts, after a fresh answer for
    the order (G4: any active device within its window, the online card of a client whose
    card is lost). The address is read here, under the lock of the client record, never
    taken from the caller: a session thief cannot send the card elsewhere, and an address
    change (G4) commits wholly before or after the order. Orders of one user are
    serialised on the user row; a second submission finds the first order and creates
    nothing. The address of record hears of the order by e-mail."""
    user = User.objects.select_for_update().get(pk=user.pk)
    fresh_factor_require(fresh_factor, user=user, action=Action.ORDER_REPLACEMENT)
    eligibility = dsc_plus_eligibility(user)
    if not eligibility.allowed:
        if DeviceOrder.objects.filter(user=user, status__in=_OPEN).exists():
            raise ValidationError(ALREADY_ORDERED)
        raise ValidationError(eligibility.reason)
    address = _address_of_record(user)
    account = hold_accounts(user).filter(pk=hold_account_id).first()
    if account is None:
        raise ValidationError(WRONG_ACCOUNT)
    stored_pin = pin_encrypted(pin)
    card = _card_from_stock()
    if card is None:
        raise ValidationError(OUT_OF_STOCK)
    now = timezone.now()
    card.pin = stored_pin
    card.state = Authenticator.State.SHIPPED
    card.shipped_at = now
    card.save(update_fields=["pin", "state", "shipped_at"])
    order = _order_create(user, card, eligibility.replaces, address, account, now)
    # The user's device row exists from shipment, shown as "Shipped" on the SLS page; it
    # opens nothing until the card is active (logins accept active cards only).
    SecurityDevice.objects.create(user=user, authenticator=card, name=str(card))
    _audit(
        user,
        AuditEventType.DEVICE_ORDERED,
        client,
        order,
        account=account.number,
        replaces=eligibility.replaces.serial if eligibility.replaces else "",
        country=address.country,
    )
    _audit(
        user,
        AuditEventType.DEVICE_SHIPPED,
        client,
        order,
        estimated_delivery=order.estimated_delivery.isoformat(),
        auto_activate_at=order.auto_activate_at.isoformat(),
    )
    security_email_send(
        user=user, event=SecurityEmail.DEVICE_ORDERED, client=client, shipping=address.masked
    )
    return order


def _address_of_record(user: User) -> Address:
    """The client's address of record, its row locked until the order commits."""
    record = Client.objects.select_for_update().filter(pk=user.client_id).first()
    address = Address.of(record) if record is not None else None
    if address is None or not address.complete:
        raise ValidationError(ADDRESS_INCOMPLETE)
    return address


def device_order_activate(
    *,
    order: DeviceOrder,
    client: ClientInfo,
    actor: User | None,
    event_type: AuditEventType = AuditEventType.DEVICE_AUTO_ACTIVATED,
) -> bool:
    """Activate the shipped card of `order` (locked by the caller): the replaced card and
    the temporary devices stop working. False when the card is no longer in transit
    (reported lost on the way, say): the order is then closed without activating.
    `event_type` tells the trail whether time or the holder activated it."""
    card = Authenticator.objects.select_for_update().get(pk=order.authenticator_id)
    now = timezone.now()
    if card.state != Authenticator.State.SHIPPED:
        order.status = DeviceOrder.Status.CANCELLED
        order.save(update_fields=["status"])
        _audit(
            order.user,
            event_type,
            client,
            order,
            outcome=AuditOutcome.FAILURE,
            card_state=card.state,
        )
        return False
    card.state = Authenticator.State.ACTIVE
    card.activated_at = now
    card.save(update_fields=["state", "activated_at"])
    SecurityDevice.objects.get_or_create(
        user=order.user, authenticator=card, defaults={"name": str(card)}
    )
    order.status = DeviceOrder.Status.ACTIVATED
    order.activated_at = now
    order.save(update_fields=["status", "activated_at"])
    if order.replaces_id:
        Authenticator.objects.filter(pk=order.replaces_id, state__in=RETIRED_STATES).update(
            state=Authenticator.State.REVOKED
        )
    ended = temporary_devices_end(user=order.user, client=client, actor=actor)
    _audit(order.user, event_type, client, order, temporary_devices_ended=ended)
    security_email_send(
        user=order.user, event=SecurityEmail.DEVICE_ADDED, client=client, device=str(card)
    )
    return True


_OPEN = [DeviceOrder.Status.PLACED, DeviceOrder.Status.SHIPPED]


def _card_from_stock() -> Authenticator | None:
    """An in-stock DSC+ nobody else is taking: rows locked by a concurrent order are
    skipped where the database can (PostgreSQL), and waited for where it cannot."""
    skip = connection.features.has_select_for_update_skip_locked
    return (
        Authenticator.objects.select_for_update(skip_locked=skip)
        .filter(kind=Kind.DSC_PLUS, state=Authenticator.State.IN_STOCK)
        .order_by("pk")
        .first()
    )


def _order_create(user, card, replaces, address: Address, account: Account, now: datetime):
    try:
        with transaction.atomic():
            return DeviceOrder.objects.create(
                user=user,
                authenticator=card,
                replaces=replaces,
                status=DeviceOrder.Status.SHIPPED,
                address_line=address.address_line,
                city=address.city,
                postal_code=address.postal_code,
                address_country=address.country,
                hold_account=account,
                placed_at=now,
                shipped_at=now,
                estimated_delivery=delivery_estimate(
                    shipped_on=now.date(), country=address.country
                ),
                auto_activate_at=auto_activation_at(now),
            )
    except IntegrityError as exc:
        raise ValidationError(ALREADY_ORDERED) from exc


def _audit(user, event_type, client, order, outcome=AuditOutcome.SUCCESS, **detail) -> None:
    audit_record(
        event_type=event_type,
        outcome=outcome,
        subject=user,
        actor=user if event_type == AuditEventType.DEVICE_ORDERED else None,
        client=client,
        detail={"order": order.pk, "serial": order.authenticator.serial, **detail},
    )
