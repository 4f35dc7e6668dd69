"""The withdrawal form and the step-up form. Every field parses strictly and answers bad
input with a sentence the client can act on, never a server error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from accounts.models import Account
from devices.forms import ChallengeAnswerForm
from devices.models import SecurityDevice
from withdrawals import conf
from withdrawals.amounts import amount_parse, destination_clean
from withdrawals.idempotency import idempotency_key_check, idempotency_key_new
from withdrawals.services.intents import UNKNOWN_ACCOUNT

FORM_UNREADABLE = (
    "This form could not be read, and nothing was withdrawn. Check the amount and the "
    "destination, then press Review again."
)


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
    # Drawn when the form is shown, sent again with every retry of this one withdrawal.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=conf.IDEMPOTENCY_KEY_MAX_LENGTH
    )

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

    def clean_idempotency_key(self) -> str:
        return idempotency_key_check(self.cleaned_data["idempotency_key"])

    def clean(self) -> dict[str, Any] | None:
        """A missing or garbled key (an altered page, or not this portal's) is said once,
        above the form, and replaced, so that the form shown again can be sent."""
        cleaned = super().clean()
        if self.errors.pop("idempotency_key", None) is not None:
            self.key_renew()
            raise ValidationError(FORM_UNREADABLE, code="form_unreadable")
        return cleaned

    def key_renew(self) -> None:
        """Show the form again under a fresh key: the one sent cannot name a withdrawal."""
        data = cast("QueryDict", self.data).copy()
        data["idempotency_key"] = idempotency_key_new()
        self.data = data


class StepUpForm(ChallengeAnswerForm):
    """The device's answer to the challenge of one reviewed withdrawal."""
