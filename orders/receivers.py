"""Orders' part of a card reported or returned (T7): its deposit is kept or released, in
the transaction of the report or the return (devices/signals.py), so that an error here
undoes the report too."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.client_info import ClientInfo
from accounts.models import User
from devices.models import Authenticator
from devices.signals import device_reported, device_returned
from orders.services.holds import hold_keep, hold_release


@receiver(device_reported, dispatch_uid="orders.hold_keep")
def _reported(
    sender: type[Authenticator],
    *,
    authenticator: Authenticator,
    state: str,
    actor: User | None,
    client: ClientInfo,
    **kwargs: object,
) -> None:
    hold_keep(authenticator=authenticator, reason=f"Device {state}", actor=actor, client=client)


@receiver(device_returned, dispatch_uid="orders.hold_release")
def _returned(
    sender: type[Authenticator],
    *,
    authenticator: Authenticator,
    actor: User | None,
    client: ClientInfo,
    **kwargs: object,
) -> None:
    hold_release(authenticator=authenticator, reason="Device returned", actor=actor, client=client)
