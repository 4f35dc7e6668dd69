"""The withdrawal form and the step-up form. Every field parses strictly and answers bad
input with a sentence the client can act on, never a server error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from accounts.models import Account
from devices.forms import ChallengeAnswerForm
from devices.models import SecurityDevice
from withdrawals.amounts import amount_parse, destination_clean
from withdrawals.services.intents import UNKNOWN_ACCOUNT


class WithdrawalForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": UNKNOWN_ACCOUNT, "invalid_pk_value": UNKNOWN_ACCOUNT},
    )
    amount = forms.CharField(
        label="Amount (USD)",
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    destination = forms.CharField(
        label="Destination bank account (IBAN or account number)",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    device = forms.TypedChoiceField(label="Approve with", coerce=int)

    def __init__(
        self, *args: Any, account: Account, devices: list[SecurityDevice], **kwargs: Any
    ) -> None:
        """Only `account` may be chosen, and only one of `devices`."""
        super().__init__(*args, **kwargs)
        account_field = cast("forms.ModelChoiceField[Account]", self.fields["account"])
        account_field.queryset = Account.objects.filter(pk=account.pk)
        device_field = cast(forms.TypedChoiceField, self.fields["device"])
        device_field.choices = [
            (
                device.pk,
                f"{device.authenticator.kind_behaviour.label}, serial "
                f"{device.authenticator.serial}",
            )
            for device in devices
        ]

    def clean_amount(self) -> Decimal:
        return amount_parse(self.cleaned_data["amount"])

    def clean_destination(self) -> str:
        return destination_clean(self.cleaned_data["destination"])


class StepUpForm(ChallengeAnswerForm):
    """The device's answer to the challenge of one reviewed withdrawal."""
