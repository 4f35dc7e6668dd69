"""Forms of the share wizard (H2): they parse; the services decide."""

from __future__ import annotations

from django import forms

from accounts.forms import PasswordStepForm
from devices.forms import response_field


class OwnerCredentialsForm(PasswordStepForm):
    """The device owner's user name and password, with the login form's syntax rules."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Device owner's user name"
        self.fields["username"].widget.attrs["autocomplete"] = "off"
        self.fields["password"].label = "Device owner's password"
        self.fields["password"].widget.attrs["autocomplete"] = "off"


class ShareResponseForm(forms.Form):
    """The owner's card answering the challenge the wizard keeps in the session."""

    response = response_field(autocomplete="off")
