"""Building blocks of the DSC+ order tests: cards in stock, an eligible client with an
address, an order placed."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import User
from accounts.services.addresses import Address
from devices.assurance import Action
from devices.flows.device_step import step_devices
from devices.models import Authenticator
from devices.services.fresh_factor import FreshFactor
from devices.services.inventory import authenticator_build
from orders.models import DeviceOrder
from orders.services.orders import device_order_place
from tests.factories import UserFactory

RICH = Decimal("1500000.00")
US_ADDRESS = Address("1 Main Street", "Springfield", "62701", "US")
NEW_PIN = "4821"


def stock_card(serial: str | None = None) -> Authenticator:
    card = authenticator_build(
        kind="dsc_plus",
        serial=serial or f"DSCP-{secrets.token_hex(4).upper()}",
        secret=secrets.token_bytes(32),
    )
    card.save()
    return card


def rich_client_user(**fields: object) -> User:
    """A client above USD 1,000,000 of equity, holding an SCC, with a US address."""
    user = UserFactory(**{"device": "scc", "account__equity": RICH, **fields})
    user.client.email = f"{user.username}@example.com"
    address_set(user, US_ADDRESS)
    return user


def address_set(user: User, address: Address) -> None:
    """Put `address` on record for the user's client, as the fixtures' data would be."""
    client = user.client
    client.address_line, client.city = address.address_line, address.city
    client.postal_code, client.address_country = address.postal_code, address.country
    client.save()


def order_proof(user: User) -> FreshFactor:
    """The proof the summary page hands the service after its fresh answer (G4); the
    answer itself is proven over HTTP in the wizard and G4 tests."""
    device = step_devices(user, Action.ORDER_REPLACEMENT)[0]
    return FreshFactor(
        user_id=user.pk,
        device_id=device.pk,
        action=Action.ORDER_REPLACEMENT,
        verified_at=timezone.now(),
    )


def place(user: User, address: Address | None = None, pin: str = NEW_PIN) -> DeviceOrder:
    """Place an order shipping to the address of record; `address` is first put on record."""
    if address is not None:
        address_set(user, address)
    return device_order_place(
        user=user,
        pin=pin,
        hold_account_id=user.account_id,
        fresh_factor=order_proof(user),
        client=SYSTEM,
    )
