"""The new-PIN fields every DSC+ PIN is chosen with (at order, T5, and on a change, T8),
and the PIN change form. Every field is bounded and checked here, so bad input is a form
error on the page, never a server error."""

from __future__ import annotations

from typing import Any

from django import forms

from devices.forms import response_field, row_id_field
from devices.services.inventory import PIN_PATTERN

PIN_HELP = "Exactly 4 digits. You will type it on the card each time you use it."


def _pin_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=4,
        min_length=4,
        strip=False,
        help_text=PIN_HELP,
        error_messages={
            "min_length": "The PIN must be exactly 4 digits.",
            "max_length": "The PIN must be exactly 4 digits.",
        },
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )


class NewPinMixin(forms.Form):
    pin = _pin_field("PIN")
    pin_again = _pin_field("PIN again")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        pin, again = cleaned.get("pin"), cleaned.get("pin_again")
        if pin is not None and not PIN_PATTERN.fullmatch(pin):
            self.add_error("pin", "The PIN must be exactly 4 digits.")
        elif pin is not None and again is not None and pin != again:
            self.add_error("pin_again", "The two PINs differ.")
        return cleaned


class PinChangeForm(NewPinMixin):
    device = row_id_field()
    challenge = row_id_field()
    response = response_field("Response from your card (with your current PIN)")
    field_order = ["device", "challenge", "response", "pin", "pin_again"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pin"].label = "New PIN"
        self.fields["pin_again"].label = "New PIN again"
