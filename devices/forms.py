"""The second-factor form. Hidden fields are parsed leniently: anything malformed is a
wrong answer ("Login failed", counted), never a server error."""

from __future__ import annotations

from django import forms

RESPONSE_MAX_LENGTH = 64


class SecondFactorForm(forms.Form):
    device = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    challenge = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62
    )
    response = forms.CharField(
        label="Response",
        max_length=RESPONSE_MAX_LENGTH,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
