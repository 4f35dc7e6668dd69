"""What a person types into the simulated phone and the IBKR Mobile app."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from simulators.models import PhoneAppAccount, PhoneAppInstallation

# K1: 4 to 6 characters, letters, digits and special characters (printable ASCII, no space).
APP_PIN = re.compile(r"[!-~]{4,6}")
APP_PIN_RULE = "The PIN must be 4 to 6 characters: letters, digits or special characters."


def _country_choices() -> list[tuple[str, str]]:
    return [("", "Choose a country")] + [
        (code, f"{name} (+{phonenumbers.country_code_for_region(code)})")
        for code, name in countries
        if code in phonenumbers.SUPPORTED_REGIONS
    ]


def _pin_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class InstallForm(forms.Form):
    platform = forms.ChoiceField(label="Platform", choices=PhoneAppInstallation.Platform.choices)
    os_version = forms.CharField(label="OS version", max_length=10, initial="17.0")
    rooted = forms.BooleanField(label="Rooted (Android)", required=False)
    biometrics = forms.BooleanField(
        label="Touch ID, Face ID or fingerprint available", required=False, initial=True
    )


class InboxForm(forms.Form):
    number = forms.CharField(label="Phone number (E.164, e.g. +447700900123)", max_length=20)


class ActivationStartForm(forms.Form):
    username = forms.CharField(label="User name", max_length=150)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)


class ActivationDeviceForm(forms.Form):
    """Another of the user's permanent devices, for a new challenge (G2)."""

    device = forms.IntegerField(label="Security device", min_value=1, max_value=2**62)


class ActivationNumberForm(forms.Form):
    country = forms.ChoiceField(label="Country", choices=_country_choices)
    national_number = forms.CharField(
        label="Mobile number (digits only)",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ActivationFinishForm(forms.Form):
    """The SMS code, then the PIN: chosen by the first user, confirmed by a further one."""

    code = forms.CharField(
        label="Activation code",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    biometrics = forms.BooleanField(label="Use biometrics to approve", required=False)

    def __init__(self, *args: Any, installation: PhoneAppInstallation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.choosing_pin = not installation.pin_hash
        self.fields["pin"] = _pin_field("Choose a PIN" if self.choosing_pin else "App PIN")
        if not (self.choosing_pin and installation.biometrics):
            del self.fields["biometrics"]

    def clean_pin(self) -> str:
        pin = self.cleaned_data["pin"]
        if self.choosing_pin and not APP_PIN.fullmatch(pin):
            raise ValidationError(APP_PIN_RULE)
        return pin


class PushAnswerForm(forms.Form):
    """One notification: the number shown at login, and the PIN when approving with it."""

    METHODS = {
        "pin": ("approve", "pin"),
        "biometric": ("approve", "biometric"),
        "fraud": ("fraud", ""),
    }

    number = forms.CharField(
        label="Number shown at login",
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    pin = _pin_field("PIN")
    answer = forms.ChoiceField(choices=[(key, key) for key in METHODS])  # the button pressed

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["pin"].required = False

    def clean(self) -> dict:
        cleaned = super().clean()
        answer = cleaned.get("answer")
        if answer != "fraud" and not cleaned.get("number"):
            self.add_error("number", "Type the number shown at login.")
        if answer == "pin" and not cleaned.get("pin"):
            self.add_error("pin", "Enter the app's PIN.")
        return cleaned

    def decision(self) -> tuple[str, str]:
        """The decision and method the pressed button stands for."""
        return self.METHODS[self.cleaned_data["answer"]]


class AuthenticateForm(forms.Form):
    account = forms.ModelChoiceField(
        label="User", queryset=PhoneAppAccount.objects.none(), empty_label=None
    )
    pin = _pin_field("PIN")
    challenge = forms.CharField(
        label="Challenge",
        max_length=64,
        strip=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, installation: PhoneAppInstallation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = installation.accounts.order_by("username")


class AuthenticatorKeyForm(forms.Form):
    """The portal's QR code link or the key beside it, pasted into the authenticator app."""

    key = forms.CharField(
        label="Link of the QR code (otpauth://…) or the key",
        max_length=2048,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label="Account name (for a typed key)",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
