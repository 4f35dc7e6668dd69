"""Forms of the simulators: what a person types on a card's keypad or button."""

from django import forms


class KeypadForm(forms.Form):
    serial = forms.CharField(label="Card serial number", max_length=40)
    pin = forms.CharField(
        label="PIN",
        max_length=12,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    challenge = forms.CharField(label="Challenge", max_length=64, strip=False)


class TokenForm(forms.Form):
    serial = forms.CharField(label="Card serial number", max_length=40)
