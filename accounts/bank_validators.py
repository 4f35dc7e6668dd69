"""Sanity checks of bank account identifiers: a US ABA routing number with its check digit,
an IBAN with its ISO 13616 mod-97 check, and a plain domestic account number. They catch
typing mistakes before money is sent to the wrong place; they prove nothing about
ownership, which is why changes go through a fresh second factor or the Security Team."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ROUTING_PATTERN = re.compile(r"[0-9]{9}")
IBAN_PATTERN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
DOMESTIC_ACCOUNT_PATTERN = re.compile(r"[0-9]{4,17}")
ABA_WEIGHTS = (3, 7, 1) * 3


def compact(value: str) -> str:
    """Spaces and hyphens are how people group digits on paper; they are not part of it."""
    return re.sub(r"[\s-]", "", value).upper()


def validate_routing_number(value: str) -> None:
    if not ROUTING_PATTERN.fullmatch(value):
        raise ValidationError("A routing number has 9 digits.", code="routing_format")
    if sum(int(digit) * weight for digit, weight in zip(value, ABA_WEIGHTS, strict=True)) % 10:
        raise ValidationError(
            "This routing number is not valid (check digit).", code="routing_check"
        )


def validate_iban(value: str) -> None:
    if not IBAN_PATTERN.fullmatch(value):
        raise ValidationError(
            "An IBAN is a country code, two check digits and up to 30 letters or digits.",
            code="iban_format",
        )
    rearranged = value[4:] + value[:4]
    if int("".join(str(int(char, 36)) for char in rearranged)) % 97 != 1:
        raise ValidationError("This IBAN is not valid (check digits).", code="iban_check")


def validate_bank_account(*, routing_number: str, account_number: str) -> None:
    """With a routing number, a US account number of 4 to 17 digits; without one, an IBAN."""
    if routing_number:
        try:
            validate_routing_number(routing_number)
        except ValidationError as error:
            raise ValidationError({"routing_number": error.messages}) from error
        if not DOMESTIC_ACCOUNT_PATTERN.fullmatch(account_number):
            raise ValidationError(
                {"account_number": "With a routing number, the account number has 4 to 17 digits."}
            )
    else:
        try:
            validate_iban(account_number)
        except ValidationError as error:
            raise ValidationError(
                {"account_number": [*error.messages, "Or give a US routing number as well."]}
            ) from error
