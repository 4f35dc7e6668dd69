"""One table for every physical authenticator, and one per-user device row on top of it.

django-otp ties each `Device` to one user, while a card may serve several users of one
person (sharing, H; IB Key's "Add user", K3). So the card itself is an `Authenticator`
(kind, serial, encrypted secret, lifecycle) and each user holding it has a
`SecurityDevice`, a django-otp device pointing at it. Counters and replay state belong to
the card and are kept, and locked, on the authenticator row.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_otp.models import Device

from .kinds import KIND_CHOICES, kind_for


class Authenticator(models.Model):
    class State(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        SHIPPED = "shipped", "Shipped"
        ACTIVE = "active", "Active"
        LOST = "lost", "Lost"
        DAMAGED = "damaged", "Damaged"
        RETURNED = "returned", "Returned"
        REVOKED = "revoked", "Revoked"

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    serial = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_STOCK)
    secret = models.TextField(blank=True, help_text="Seed, encrypted (D4).", editable=False)
    pin = models.TextField(
        blank=True,
        editable=False,
        help_text="The card's PIN, encrypted (D4): OCRA hashes it into each response.",
    )
    ocra_suite = models.CharField(max_length=64, blank=True)
    otp_mode = models.CharField(
        max_length=4, blank=True, choices=[("hotp", "HOTP"), ("totp", "TOTP")]
    )
    otp_digits = models.PositiveSmallIntegerField(default=6)
    counter = models.BigIntegerField(default=0, editable=False)
    last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["serial"]

    def __str__(self) -> str:
        return f"{self.kind_behaviour.label} {self.serial}"

    @property
    def kind_behaviour(self):
        return kind_for(self.kind)


class CardCell(models.Model):
    """One numbered cell of a grid card, as a keyed hash of its code (look-up secret)."""

    authenticator = models.ForeignKey(Authenticator, on_delete=models.CASCADE, related_name="cells")
    index = models.PositiveSmallIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authenticator", "index"], name="one_cell_per_index")
        ]

    def __str__(self) -> str:
        return f"{self.authenticator.serial} cell {self.index}"


class SecurityDevice(Device):
    """A user's use of an authenticator: what django-otp verifies and the session records."""

    authenticator = models.ForeignKey(
        Authenticator, on_delete=models.PROTECT, related_name="user_devices"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "authenticator"], name="one_device_per_user")
        ]

    def verify_token(self, token: str) -> bool:
        """django-otp's entry point; runs under its row lock on this device."""
        from .services.verification import device_verify_locked

        return device_verify_locked(device=self, response=token)


class Challenge(models.Model):
    """A challenge shown at one login attempt: single-use and short-lived (D2)."""

    device = models.ForeignKey(SecurityDevice, on_delete=models.CASCADE, related_name="challenges")
    attempt = models.CharField(max_length=64, db_index=True)
    value = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "used_at"], name="challenge_device_open")]

    def __str__(self) -> str:
        return f"challenge {self.pk} for {self.device_id}"

    def is_open(self, at) -> bool:
        return self.used_at is None and at < self.expires_at


class SimulatedCard(models.Model):
    """The client's side of a card, for the simulators only: a paper card's printed grid,
    a one-time-code card's own press counter. Written only when SLS_SIMULATORS is on."""

    serial = models.CharField(max_length=40, unique=True)
    printed_grid = models.TextField(blank=True, help_text="The printed codes, encrypted.")
    presses = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"simulated card {self.serial}"
