"""The fields every second-factor form shares: the hidden device and challenge ids and the
typed response. Hidden fields are parsed leniently: anything malformed is a wrong answer
("Login failed", counted) or a challenge no longer open, never a server error."""

from __future__ import annotations

from typing import Any

from django import forms

from devices.security_keys.webauthn import ANSWER_MAX_LENGTH

# What a person types is short, but a security key's answer is the browser's JSON (F1).
RESPONSE_MAX_LENGTH = ANSWER_MAX_LENGTH
ROW_ID_MAX = 2**62


def row_id_field(*, required: bool = True) -> forms.IntegerField:
    """A hidden id of a device or challenge row."""
    return forms.IntegerField(
        widget=forms.HiddenInput, required=required, min_value=1, max_value=ROW_ID_MAX
    )


def response_field(label: str = "Response", autocomplete: str = "one-time-code") -> forms.CharField:
    """What the card, app, text message or passcode gave, as typed (no stripping)."""
    return forms.CharField(
        label=label,
        max_length=RESPONSE_MAX_LENGTH,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": autocomplete, "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class ChallengeAnswerForm(forms.Form):
    """The answer to a challenge shown on the page (a withdrawal's step-up, a shipped
    card's activation)."""

    challenge = row_id_field(required=False)
    response = response_field()


class SecondFactorForm(ChallengeAnswerForm):
    """The answer of one of the user's devices, chosen on the page (login, fresh factor)."""

    device = row_id_field()
    field_order = ["device", "challenge", "response"]

    def answer_data(self) -> dict[str, Any]:
        """The answer's fields for the gate: all of them when they parse, and the device
        and challenge when only the response is empty (a form sent before a security key
        answered, which the gate tells from a wrong answer); nothing when a hidden field
        is malformed, a wrong answer."""
        if self.is_valid():
            return self.cleaned_data
        if set(self.errors) == {"response"} and not self.data.get("response"):
            return {**self.cleaned_data, "response": ""}
        return {}
