"""Building blocks of the DSC+ order tests: cards in stock, an eligible client with an
address, an order placed."""

from __future__ import annotations

import secrets
from decimal import Decimal

from accounts.client_info import SYSTEM
from accounts.models import User
from accounts.services.addresses import Address
from devices.models import Authenticator, DeviceOrder
from devices.services.inventory import authenticator_build
from devices.services.orders import device_order_place
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
    client = user.client
    client.address_line, client.city = US_ADDRESS.address_line, US_ADDRESS.city
    client.postal_code, client.address_country = US_ADDRESS.postal_code, US_ADDRESS.country
    client.email = f"{user.username}@example.com"
    client.save()
    return user


def place(user: User, address: Address = US_ADDRESS, pin: str = NEW_PIN) -> DeviceOrder:
    return device_order_place(
        user=user, address=address, pin=pin, hold_account_id=user.account_id, client=SYSTEM
    )
