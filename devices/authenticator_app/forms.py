"""Forms of adding an authenticator app (F3): they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from devices.authenticator_app.services import (
    CODE_MALFORMED,
    NAME_REQUIRED,
    authenticator_app_name_clean,
)
from devices.services.device_names import NAME_MAX_LENGTH, NAME_TOO_LONG

# Six digits, and room for a pasted code with a space or two; longer is refused unread.
CODE_MAX_LENGTH = 16


class AppNameForm(forms.Form):
    """The name the user gives the app, posted with the fresh answer (G2)."""

    name = forms.CharField(
        label="Name of the app",
        max_length=NAME_MAX_LENGTH,
        help_text="For example the phone it is on, so that you can tell your devices apart.",
        error_messages={"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        return authenticator_app_name_clean(self.cleaned_data["name"], user=self.user)


class FirstCodeForm(forms.Form):
    """The first code the app shows, which confirms it holds the secret (F3)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=CODE_MAX_LENGTH,
        error_messages={"required": CODE_MALFORMED, "max_length": CODE_MALFORMED},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
