"""User-name syntax (L1): lower-case letters and digits only, case-sensitive; the longest
password a user may choose (NIST SP 800-63B); and the characters no input may hold."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

BAD_CHARACTER = "BAD CHARACTER"
USERNAME_MAX_LENGTH = 64
_LETTERS_AND_DIGITS = re.compile(r"[A-Za-z0-9]+")
_LOWER_LETTERS_AND_DIGITS = re.compile(r"[a-z0-9]+")
# C0 control characters but tab, line feed and carriage return: nobody types them, and
# PostgreSQL's text columns refuse NUL outright.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_CHARACTERS_MESSAGE = "The request holds control characters, which no field accepts."


def has_bad_character(username: str) -> bool:
    """True when the name holds anything but ASCII letters and digits (KB1132 §11).

    Upper-case letters are not bad characters: they make a name that cannot match any
    user, so they meet "Invalid user name password combination" instead (KB1132 §1).
    """
    return not _LETTERS_AND_DIGITS.fullmatch(username)


def has_control_character(value: str) -> bool:
    """True when `value` holds NUL or another control character (tab, line feed and
    carriage return excepted). Input is refused where it enters the portal (a request's
    path, query and form fields, the trading API's schemas, a seed file's rows), so no
    layer behind has to guess what such a character would do to it."""
    return _CONTROL_CHARACTER.search(value) is not None


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


class MaximumLengthValidator:
    """New passwords of at most `max_length` characters. NIST asks that at least 64 be
    allowed; a bound keeps the hashing work fixed. The login form accepts longer input
    (accounts.conf.PASSWORD_MAX_LENGTH) so that it does not tell which rule applies."""

    def __init__(self, max_length: int = 64) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                "This password is too long. It must contain at most %(max_length)d characters.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."
