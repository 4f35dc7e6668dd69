"""What devices announces to the apps above it, so that it never imports them: the device
simulators (the `simulators` app, installed only when SLS_SIMULATORS is on) listen, and
where nobody listens, as in production, nothing happens."""

from __future__ import annotations

from django.dispatch import Signal

# A paper grid card came out of the printer, with `serial` and `grid` ({index: code}): the
# one moment its codes exist in clear, as the server keeps only their HMACs. Whoever stands
# for the paper in the client's hands keeps the grid.
grid_card_printed = Signal()

# The demo data activated IB Key on a phone of its own making, as if K1 had been done
# there, with `installation_id`, `private_key` (the app's EC key, whose public half the
# server registered), `registration` (ib_key_register's answer) and the app's `pin`.
# Whoever plays that phone keeps them, so that it can approve the user's logins.
demo_phone_activated = Signal()
