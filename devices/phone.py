"""Mobile numbers as K1 asks for them: a country, then digits only without the trunk
prefix, checked with `phonenumbers` and kept in E.164."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError


def phone_number_parse(*, country: str, national_number: str) -> str:
    """The E.164 form of a national number typed for `country`, or a ValidationError that
    says what to fix."""
    region = (country or "").upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError("Choose the country of the mobile number.")
    if not national_number.isascii() or not national_number.isdigit():
        raise ValidationError("Type digits only: no spaces, dashes, brackets or +.")
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    trunk_prefix = metadata.national_prefix if metadata else None
    if trunk_prefix and national_number.startswith(trunk_prefix):
        raise ValidationError(f"Leave out the leading {trunk_prefix} (the trunk prefix).")
    try:
        parsed = phonenumbers.parse(national_number, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("That is not a phone number.") from exc
    if not phonenumbers.is_valid_number_for_region(parsed, region):
        raise ValidationError(f"That is not a valid number in {region}.")
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError("That is not a mobile number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
