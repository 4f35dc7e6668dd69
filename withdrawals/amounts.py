"""Parsing what a client types as an amount and a destination. Strict on purpose: an amount
is ASCII digits with at most two decimals, nothing else, so NaN, Infinity, exponents,
signs, unicode digits and float rounding never reach a Decimal computation (W3)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError

from withdrawals import conf

# [0-9], not \d: \d would accept Arabic-Indic and other unicode digits.
# Thousands separators are allowed only where they belong: 250,000.00 but not 2,50,000.
AMOUNT_PATTERN = re.compile(r"(?:[0-9]{1,16}|[0-9]{1,3}(?:,[0-9]{3}){1,5})(?:\.[0-9]{1,2})?")
DESTINATION_PATTERN = re.compile(r"[A-Z0-9]{8,34}")
AMOUNT_FORMAT = (
    "Enter an amount in US dollars with digits and at most two decimals, such as 2500.00."
)
AMOUNT_RANGE = f"Enter an amount between 0.01 and {conf.MAX_AMOUNT:,.2f} USD."
DESTINATION_FORMAT = (
    "Enter the destination bank account (IBAN or account number): 8 to 34 letters and digits."
)


def amount_parse(text: str) -> Decimal:
    """An amount typed by a person or sent by a program, as an exact Decimal."""
    text = text.strip()
    if not AMOUNT_PATTERN.fullmatch(text):
        raise ValidationError(AMOUNT_FORMAT, code="amount_format")
    amount = Decimal(text.replace(",", ""))
    amount_check(amount)
    return amount.quantize(Decimal("0.01"))


def amount_check(amount: Decimal) -> None:
    """The service's own guard for callers that hand it a Decimal directly (the API)."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError(AMOUNT_FORMAT, code="amount_format")
    exponent = amount.as_tuple().exponent
    # A finite Decimal's exponent is an int; the letters are NaN's and infinity's.
    if not isinstance(exponent, int) or exponent < -2:
        raise ValidationError(AMOUNT_FORMAT, code="amount_format")
    if not Decimal("0.01") <= amount <= conf.MAX_AMOUNT:
        raise ValidationError(AMOUNT_RANGE, code="amount_range")


def destination_clean(text: str) -> str:
    """Upper case without spaces, as banks print IBANs in groups of four."""
    cleaned = "".join(text.split()).upper()
    if not DESTINATION_PATTERN.fullmatch(cleaned):
        raise ValidationError(DESTINATION_FORMAT, code="destination_format")
    return cleaned


def destination_masked(destination: str) -> str:
    """Enough for the client to recognise the account in the trail, no more."""
    return f"••••{destination[-4:]}"


def usd(amount: Decimal) -> str:
    return f"USD {amount:,.2f}"
