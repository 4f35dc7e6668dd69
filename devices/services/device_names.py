"""The name a user gives a device they register themselves (a security key, an
authenticator app): shown on the settings page, the support desk and in security e-mails."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

from accounts.models import User
from devices.models import SecurityDevice

# django-otp's `Device.name`, where the chosen name is kept.
NAME_MAX_LENGTH = 64
# Unicode's control, format, surrogate, private-use and unassigned characters and the line
# and paragraph separators (NUL, line breaks, right-to-left overrides, zero-width marks)
# would let a name hide or reorder text on the pages and e-mails that show it.
_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

NAME_TOO_LONG = f"The name can be at most {NAME_MAX_LENGTH} characters long."
NAME_CHARACTERS = "The name cannot hold control or formatting characters."
NAME_TAKEN = "You already have a security device of that name; choose another."


def device_name_clean(name: str, *, user: User, required: str) -> str:
    """The name as kept: NFC, trimmed, not blank (`required` says what to give), at most 64
    characters, no control or formatting characters, and not the name of another of the
    user's devices, so that no two of them read alike."""
    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise ValidationError(required, code="required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(NAME_TOO_LONG, code="max_length")
    if any(unicodedata.category(character) in _NOT_IN_NAMES for character in name):
        raise ValidationError(NAME_CHARACTERS, code="characters")
    if SecurityDevice.objects.filter(user=user, name__iexact=name).exists():
        raise ValidationError(NAME_TAKEN, code="name_taken")
    return name
