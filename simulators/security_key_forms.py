"""What a tester gives the simulated security key: a name for a new key, and the options a
page hands `navigator.credentials`, with the origin the browser would send."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from simulators.models import SimulatedSecurityKey
from simulators.security_keys import OPTIONS_MAX_LENGTH, default_origin

# scheme://host[:port], as a browser sends it in clientDataJSON: no path, no user.
ORIGIN_VALIDATOR = RegexValidator(
    r"\Ahttps?://[A-Za-z0-9.-]+(:[0-9]{1,5})?\Z",
    "An origin is http:// or https://, a host name and an optional port, nothing after it.",
)


class KeyCreateForm(forms.Form):
    label = forms.CharField(label="Name of the new key", max_length=60, required=False)


class KeyAnswerForm(forms.Form):
    """Creation options (registration) or request options (login, fresh factor)."""

    key = forms.ModelChoiceField(
        label="Security key",
        queryset=SimulatedSecurityKey.objects.all(),
        to_field_name="serial",
        empty_label=None,
        error_messages={"invalid_choice": "No simulated security key with that serial."},
    )
    options = forms.CharField(
        max_length=OPTIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    origin = forms.CharField(
        label="Origin the browser sends (change it to try a phishing site)",
        max_length=200,
        required=False,
        validators=[ORIGIN_VALIDATOR],
    )
    user_verified = forms.BooleanField(
        label="User verified (PIN or fingerprint given on the key)", required=False, initial=True
    )

    def __init__(self, *args: Any, options_label: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["options"].label = options_label
        self.fields["origin"].widget.attrs["placeholder"] = default_origin()

    def clean_origin(self) -> str:
        return str(self.cleaned_data["origin"]) or default_origin()


class KeyRegisterForm(KeyAnswerForm):
    prefix = "register"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(
            *args, options_label="Creation options (navigator.credentials.create)", **kwargs
        )


class KeySignForm(KeyAnswerForm):
    prefix = "sign"
    cloned = forms.BooleanField(
        label="Present an old counter (a copy of the key, cloned when it was new)",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(
            *args, options_label="Request options (navigator.credentials.get)", **kwargs
        )
