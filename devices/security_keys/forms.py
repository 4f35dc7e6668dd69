"""Forms of a security key's registration (F1): they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from devices.security_keys.services import NAME_REQUIRED, security_key_name_check
from devices.security_keys.webauthn import REGISTRATION_MAX_LENGTH
from devices.services.device_names import NAME_MAX_LENGTH, NAME_TOO_LONG

CREDENTIAL_MISSING = "Your browser sent no answer from a security key, so no key was added."
CREDENTIAL_TOO_LONG = (
    "Your browser's answer is too long to be a security key's, so no key was added."
)


class SecurityKeyNameForm(forms.Form):
    """The name the user gives the key, as the Secure Login System page will list it."""

    name = forms.CharField(
        label="Name of the security key",
        help_text="For example, the key on my keyring, or this laptop's passkey.",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        return security_key_name_check(self.cleaned_data["name"], user=self.user)


class SecurityKeyCredentialForm(forms.Form):
    """What `navigator.credentials.create()` gave, as JSON, put there by the page's script."""

    credential = forms.CharField(
        max_length=REGISTRATION_MAX_LENGTH,
        strip=False,
        widget=forms.HiddenInput,
        error_messages={"required": CREDENTIAL_MISSING, "max_length": CREDENTIAL_TOO_LONG},
    )
