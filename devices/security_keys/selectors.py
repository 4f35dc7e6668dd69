"""Read-side queries about security keys."""

from __future__ import annotations

from accounts.models import User
from devices.kinds import Kind
from devices.models import SecurityDevice


def security_keys_of(user: User) -> list[SecurityDevice]:
    """The user's own security keys and passkeys, whatever their state, oldest first: the
    Secure Login System page lists them, and a new registration excludes their
    credentials, so one authenticator is not registered twice for the same user (F2)."""
    return list(
        SecurityDevice.objects.filter(user=user, authenticator__kind=Kind.SECURITY_KEY)
        .select_related("authenticator")
        .order_by("created_at", "pk")
    )
