"""User-name syntax (L1): lower-case letters and digits only, case-sensitive."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

BAD_CHARACTER = "BAD CHARACTER"
USERNAME_MAX_LENGTH = 64
_LETTERS_AND_DIGITS = re.compile(r"[A-Za-z0-9]+")
_LOWER_LETTERS_AND_DIGITS = re.compile(r"[a-z0-9]+")


def has_bad_character(username: str) -> bool:
    """True when the name holds anything but ASCII letters and digits (KB1132 §11).

    Upper-case letters are not bad characters: they make a name that cannot match any
    user, so they meet "Invalid user name password combination" instead (KB1132 §1).
    """
    return not _LETTERS_AND_DIGITS.fullmatch(username)


@deconstructible
class UsernameValidator:
    """Names given to new users: lower-case letters and digits, as clients must type them."""

    message = "User names use lower-case letters and digits only."
    code = "invalid_username"

    def __call__(self, value: str) -> None:
        if not _LOWER_LETTERS_AND_DIGITS.fullmatch(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UsernameValidator)
