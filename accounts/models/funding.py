"""Where an account's money comes from and goes to: its bank instructions, and the ACH/EFT
deposits that opting out of SLS caps at an initial USD 20,000 (O3, KB1131)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.bank_validators import validate_bank_account


class BankInstruction(models.Model):
    """The bank account that withdrawals are paid to and deposits are pulled from. One per
    account; changed only through `bank_instructions_change` or a Security Team approval."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="bank_instruction"
    )
    bank_name = models.CharField(max_length=120)
    account_holder = models.CharField(max_length=120)
    routing_number = models.CharField(
        max_length=9, blank=True, help_text="US ABA routing number; empty when an IBAN is given."
    )
    account_number = models.CharField(max_length=34, help_text="IBAN, or a US account number.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.bank_name} …{self.account_number[-4:]}"

    def clean(self) -> None:
        validate_bank_account(
            routing_number=self.routing_number, account_number=self.account_number
        )


class Deposit(models.Model):
    """An accepted ACH or EFT deposit request, in USD. Refusals leave only an audit event."""

    class Method(models.TextChoices):
        ACH = "ach", "ACH (US bank transfer)"
        EFT = "eft", "EFT (Canadian bank transfer)"

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="deposits"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deposits"
    )
    method = models.CharField(max_length=3, choices=Method.choices)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="deposit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} USD to {self.account_id}"
