"""Forms of the login pages: they parse and check syntax only; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from accounts import conf
from accounts.validators import BAD_CHARACTER, USERNAME_MAX_LENGTH, has_bad_character


class PasswordStepForm(forms.Form):
    """User name and password. Nothing is stripped: a space is a bad character (L1).

    A NUL byte in the name is shown back as U+FFFD and answered "BAD CHARACTER" like any
    other character that is neither a letter nor a digit.
    """

    username = forms.CharField(
        label="User name",
        max_length=USERNAME_MAX_LENGTH,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Password",
        max_length=conf.PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, **kwargs: Any) -> None:
        if data is not None and "\x00" in data.get("username", ""):
            data = data.copy()
            data["username"] = data["username"].replace("\x00", "\N{REPLACEMENT CHARACTER}")
        super().__init__(data, **kwargs)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if has_bad_character(username):
            raise forms.ValidationError(BAD_CHARACTER, code="bad_character")
        return username
