"""Signals the devices app sends to the apps above it, so that imports still run one way.

Each is sent with `send`, inside the transaction of the change it tells of, once the change
is made and with the card's row locked: a receiver's writes commit or roll back with the
change, and an exception it raises rolls the change back and reaches the caller."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `devices.temporary.services.device_report` with authenticator, state ("lost" or
# "damaged"), actor (the support agent) and client. Orders keeps the card's deposit (T7).
device_reported = Signal()

# Sent by `devices.temporary.services.device_return_record` with authenticator, actor and
# client, when a card comes back. Orders releases the card's deposit (T7).
device_returned = Signal()
