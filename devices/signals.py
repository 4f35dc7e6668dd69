"""What devices announces to the apps above it, so that imports still run one way: orders
keeps or releases a card's deposit, and the device simulators (the `simulators` app,
installed only when SLS_SIMULATORS is on) keep the client's side of a card or phone. Where
nobody listens, as the simulators in production, nothing happens.

Each is sent with `send`, inside the transaction of the change it tells of: a receiver's
writes commit or roll back with the change, and an exception it raises rolls the change
back and reaches the caller."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `devices.temporary.services.device_report` with authenticator, state ("lost" or
# "damaged"), actor (the support agent) and client, once the change is made and with the
# card's row locked. Orders keeps the card's deposit (T7).
device_reported = Signal()

# Sent by `devices.temporary.services.device_return_record` with authenticator, actor and
# client, when a card comes back. Orders releases the card's deposit (T7).
device_returned = Signal()

# A paper grid card came out of the printer, with `serial` and `grid` ({index: code}): the
# one moment its codes exist in clear, as the server keeps only their HMACs. Whoever stands
# for the paper in the client's hands keeps the grid.
grid_card_printed = Signal()

# The demo data activated IB Key on a phone of its own making, as if K1 had been done
# there, with `installation_id`, `private_key` (the app's EC key, whose public half the
# server registered), `registration` (ib_key_register's answer) and the app's `pin`.
# Whoever plays that phone keeps them, so that it can approve the user's logins.
demo_phone_activated = Signal()

# The demo data registered a security key for a user through the WebAuthn ceremony,
# answered by a software key of its own making (devices.security_keys.software), with
# `key` (that SoftwareAuthenticator, its counter as registered), `serial` (the
# Authenticator's) and `username`. Whoever plays that key keeps it, so that it can answer
# the user's logins.
demo_security_key_registered = Signal()
