"""Forms of the enrolment of a new applicant (E1): the mobile number as K1 asks for it,
then the code sent to it."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from devices.phone import phone_number_parse

# E.164 numbers have at most 15 digits with the country code; anything longer is refused
# before `phonenumbers` looks at it.
NATIONAL_NUMBER_MAX_LENGTH = 15
CODE_MAX_LENGTH = 64


def country_choices() -> list[tuple[str, str]]:
    """Countries whose numbers `phonenumbers` can check, by name, with the calling code."""
    names = dict(countries)
    regions = (code for code in phonenumbers.SUPPORTED_REGIONS if code in names)
    return sorted(
        (
            (code, f"{names[code]} (+{phonenumbers.country_code_for_region(code)})")
            for code in regions
        ),
        key=lambda choice: choice[1],
    )


class MobileNumberForm(forms.Form):
    country = forms.ChoiceField(label="Country", choices=country_choices)
    national_number = forms.CharField(
        label="Mobile number",
        max_length=NATIONAL_NUMBER_MAX_LENGTH,
        strip=False,
        error_messages={
            "required": "Type the mobile number.",
            "max_length": "That is too long for a mobile number.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "tel-national", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        country, national_number = cleaned.get("country"), cleaned.get("national_number")
        if country and national_number:
            try:
                cleaned["phone_number"] = phone_number_parse(
                    country=country, national_number=national_number
                )
            except ValidationError as exc:
                self.add_error("national_number", exc)
        return cleaned


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the text message",
        max_length=CODE_MAX_LENGTH,
        strip=False,
        error_messages={"required": "Type the code from the text message."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
