"""Read-side queries about devices."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from devices.models import Authenticator, SecurityDevice


def active_devices(user: User) -> list[SecurityDevice]:
    """The user's usable devices, strongest first (L4 preselects the first), in one query.
    An active device whose kind refuses every answer now (a security key flagged as
    possibly cloned, F1) is not usable: it grants no withdrawal tier (W1)."""
    devices = SecurityDevice.objects.filter(
        user=user, confirmed=True, authenticator__state=Authenticator.State.ACTIVE
    ).select_related("authenticator")
    usable = [
        device
        for device in devices
        if not device.authenticator.kind_behaviour.answer_refused(device.authenticator)
    ]
    return sorted(usable, key=lambda d: (-d.authenticator.kind_behaviour.level, d.pk))


def is_new_applicant(user: User) -> bool:
    """A client's user who has never held a device: enrols with SMS (E1) at first login."""
    return user.client_id is not None and not SecurityDevice.objects.filter(user=user).exists()


def devices_for_settings(user: User) -> QuerySet[SecurityDevice]:
    """Every device of the user, whatever its state, for the Secure Login System page."""
    return SecurityDevice.objects.filter(user=user).select_related("authenticator").order_by("pk")
