"""Orders' part of a card reported or returned (T7): its deposit is kept or released, in
the transaction of the report or the return."""

from __future__ import annotations

from django.dispatch import receiver

from devices.signals import device_reported, device_returned
from orders.services.holds import hold_keep, hold_release


@receiver(device_reported, dispatch_uid="orders.hold_keep")
def _reported(sender, *, authenticator, state, actor, client, **kwargs) -> None:
    hold_keep(authenticator=authenticator, reason=f"Device {state}", actor=actor, client=client)


@receiver(device_returned, dispatch_uid="orders.hold_release")
def _returned(sender, *, authenticator, actor, client, **kwargs) -> None:
    hold_release(authenticator=authenticator, reason="Device returned", actor=actor, client=client)
