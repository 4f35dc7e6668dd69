"""Changes an opted-out client asked for that the Security Team must confirm first (O3):
without SLS, bank instructions and the e-mail address change only after a call from the
Security Team (KB1131)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SecurityTeamRequest(models.Model):
    class Kind(models.TextChoices):
        BANK_INSTRUCTIONS = "bank_instructions", "Bank instructions"
        EMAIL = "email", "E-mail address"
        ADDRESS = "address", "Address of record"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the Security Team"
        APPROVED = "approved", "Approved and applied"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="security_requests"
    )
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="security_requests"
    )
    payload = models.JSONField(help_text="The new values, applied as they are on approval.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="security_requests_decided",
    )
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        permissions = [("decide_securityteamrequest", "Can approve or reject security requests")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(status="pending"),
                name="one_pending_security_request_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} ({self.get_status_display()})"
