"""Forms of the DSC+ order wizard (T5). Every field is bounded and checked here, so bad
input is a form error on the page, never a server error."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from accounts.models import Account
from devices.pin.forms import NewPinMixin

# A street, city or postal code needs at least one letter or digit, and no control
# characters (which would end up on a shipping label).
_PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]+")
_HAS_ALNUM = re.compile(r"\w")
_POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,9}")
_US_ZIP = re.compile(r"[0-9]{5}(-[0-9]{4})?")


def _label_text(value: str, what: str) -> str:
    if not _PRINTABLE.fullmatch(value) or not _HAS_ALNUM.search(value):
        raise ValidationError(f"Enter a valid {what}.")
    return value


class AddressForm(forms.Form):
    address_line = forms.CharField(label="Street address", min_length=3, max_length=200)
    city = forms.CharField(label="City", min_length=2, max_length=100)
    postal_code = forms.CharField(label="Postal code", max_length=20)
    country = forms.ChoiceField(label="Country", choices=[("", "Choose a country"), *countries])

    def clean_address_line(self) -> str:
        return _label_text(self.cleaned_data["address_line"], "street address")

    def clean_city(self) -> str:
        return _label_text(self.cleaned_data["city"], "city")

    def clean(self) -> dict:
        cleaned = super().clean()
        code, country = cleaned.get("postal_code"), cleaned.get("country")
        if code and country:
            pattern = _US_ZIP if country == "US" else _POSTAL_CODE
            if not pattern.fullmatch(code):
                self.add_error("postal_code", "Enter a valid postal code for that country.")
        return cleaned


class PinAndAccountForm(NewPinMixin):
    hold_account = forms.ModelChoiceField(
        label="Account that holds the USD 20 deposit",
        queryset=Account.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your own accounts."},
    )

    def __init__(self, *args, accounts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hold_account"].queryset = accounts
