"""The withdrawal ledger (W3) and the reviewed requests awaiting their device approval."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models.append_only import AppendOnlyModel
from withdrawals import conf
from withdrawals.limits import TIER_CHOICES


class Withdrawal(AppendOnlyModel):
    """One accepted withdrawal, as it was accepted: the tier and device that allowed it and
    the business day it counts towards are copied in, so later device changes never
    rewrite what past withdrawals were (W1) while they still count against the windows.

    Rows are never changed or deleted: the ORM refuses it and a database trigger too.
    Usage is summed per account over `business_day`, on the (account, business_day) index.
    Each row made since idempotency keys exist carries the key its request was sent with,
    unique per user, so no retry of a request can make a second row
    (`withdrawals.idempotency`); rows from before have none and cannot be given one later.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawals"
    )
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="withdrawals"
    )
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3, default=conf.CURRENCY)
    destination = models.CharField(max_length=34)
    tier = models.CharField(max_length=20, choices=TIER_CHOICES)
    tier_reason = models.CharField(max_length=200)
    business_day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    idempotency_key = models.CharField(  # noqa: DJ001 - NULL: the rows from before keys
        max_length=conf.IDEMPOTENCY_KEY_MAX_LENGTH, null=True, blank=True
    )

    append_only_message = "The withdrawal ledger is append-only."

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "business_day"], name="withdrawal_account_day"),
            models.Index(fields=["user", "created_at"], name="withdrawal_user_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="withdrawal_amount_positive"
            ),
            # Partial: the rows from before keys stay out of the index. On SQLite a partial
            # index is added as it is, where a plain unique constraint would rebuild the
            # table and drop its append-only trigger.
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="withdrawal_user_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} from {self.account_id} on {self.business_day}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class WithdrawalIntent(models.Model):
    """A reviewed withdrawal waiting for its step-up approval (ASVS 7.5.3).

    The device challenge is issued for `attempt`, which names this intent alone, so the
    answer approves exactly this amount, destination and account. It is used once, right
    or wrong, and expires with the challenge.
    """

    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="withdrawal_intents"
    )
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    destination = models.CharField(max_length=34)
    device = models.ForeignKey("devices.SecurityDevice", on_delete=models.CASCADE)
    # The key the portal makes this intent's withdrawal under: the one its form carried,
    # so a resubmitted review or approval names the withdrawal already made. An intent
    # reviewed over the API draws one; the API's client sends its own key with the answer.
    idempotency_key = models.CharField(max_length=conf.IDEMPOTENCY_KEY_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when the approval was accepted: a second submit of the same approval (a
    # double-click) is refused, and the page can then show the withdrawal already made.
    withdrawal = models.OneToOneField(
        Withdrawal, on_delete=models.PROTECT, null=True, blank=True, related_name="intent"
    )

    def __str__(self) -> str:
        return f"intent {self.pk}: {self.amount} to {self.destination}"

    @property
    def attempt(self) -> str:
        """The challenge's `attempt`: a prefix no login attempt uses, then this intent."""
        return f"withdrawal:{self.token}"

    def is_open(self, at) -> bool:
        return self.used_at is None and at < self.expires_at
