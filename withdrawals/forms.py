"""The withdrawal form and the step-up form. Every field parses strictly and answers bad
input with a sentence the client can act on, never a server error."""

from __future__ import annotations

from django import forms

from accounts.models import Account, User
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

    def __init__(self, *args, user: User, devices: list[SecurityDevice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(pk=user.account_id)
        self.fields["device"].choices = [
            (
                device.pk,
                f"{device.authenticator.kind_behaviour.label}, serial "
                f"{device.authenticator.serial}",
            )
            for device in devices
        ]

    def clean_amount(self):
        return amount_parse(self.cleaned_data["amount"])

    def clean_destination(self):
        return destination_clean(self.cleaned_data["destination"])


class StepUpForm(ChallengeAnswerForm):
    """The device's answer to the challenge of one reviewed withdrawal."""
