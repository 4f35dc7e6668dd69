"""Forms of the settings and funding pages. They parse and check syntax; services decide."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Account, Deposit
from accounts.services.security_requests import BankDetails

ALWAYS_USE_DEVICE = "I want to always use my Secure Login Device when logging in"
NOT_REQUIRED_FOR_TRADING = "Secure Login not required for trading"
AMOUNT_PATTERN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
AMOUNT_FORMAT = "Enter the amount in USD with at most two decimals, such as 2500.00."


class SlsChoiceForm(forms.Form):
    """The gear of "Secure Login Settings" (KB2545 steps 6 and 7)."""

    REQUIRED = "required"
    NOT_REQUIRED = "not_required"

    choice = forms.ChoiceField(
        label="Secure Login for trading",
        choices=[(REQUIRED, ALWAYS_USE_DEVICE), (NOT_REQUIRED, NOT_REQUIRED_FOR_TRADING)],
        widget=forms.RadioSelect,
    )


class OptOutForm(forms.Form):
    understood = forms.BooleanField(
        label="I have read the risks above and want Secure Login not required for trading",
        error_messages={"required": "Confirm that you have read the risks."},
    )


class BankInstructionsForm(forms.Form):
    bank_name = forms.CharField(label="Bank name", max_length=120)
    account_holder = forms.CharField(label="Account holder", max_length=120)
    routing_number = forms.CharField(
        label="Routing number (US banks only)",
        max_length=20,
        required=False,
        help_text="Leave empty and give an IBAN as the account number for banks outside the US.",
    )
    account_number = forms.CharField(label="Account number or IBAN", max_length=50)

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                self.details = BankDetails.cleaned(**data)
            except ValidationError as error:
                self.add_error(None, error)
        return data


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label="New e-mail address", max_length=254)


class DepositForm(forms.Form):
    account = forms.ModelChoiceField(
        label="To account",
        queryset=Account.objects.none(),
        to_field_name="number",
        empty_label=None,
    )
    method = forms.ChoiceField(
        label="Method", widget=forms.RadioSelect, choices=Deposit.Method.choices
    )
    amount = forms.CharField(label="Amount (USD)", max_length=20, strip=True)

    def __init__(self, *args: Any, account_id: int | None, **kwargs: Any) -> None:
        """Only the user's own account is a valid choice: any other is refused here."""
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(pk=account_id)

    def clean_amount(self) -> Decimal:
        text = self.cleaned_data["amount"]
        if not AMOUNT_PATTERN.fullmatch(text):
            raise ValidationError(AMOUNT_FORMAT)
        return Decimal(text)
