"""What the client holds, for the simulators only: a card's printed grid and press counter,
the IB Key app on a simulated phone. None of it is the broker's data; the app is installed
only when SLS_SIMULATORS is on, so a production database has none of these tables."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SimulatedCard(models.Model):
    """The client's side of a card: a paper card's printed grid (the server keeps only the
    cells' HMACs), a one-time-code card's own press counter."""

    serial = models.CharField(max_length=40, unique=True)
    printed_grid = models.TextField(blank=True, help_text="The printed codes, encrypted.")
    presses = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"simulated card {self.serial}"


class PhoneAppInstallation(models.Model):
    """The IB Key app on one simulated phone. It holds what the app holds: its private
    key, its PIN (hashed, checked on the phone) and its accounts."""

    class Platform(models.TextChoices):
        IOS = "ios", "iOS"
        ANDROID = "android", "Android"

    installation_id = models.CharField(max_length=64, unique=True)
    platform = models.CharField(max_length=10, choices=Platform.choices)
    os_version = models.CharField(max_length=10)
    rooted = models.BooleanField(default=False)
    biometrics = models.BooleanField(default=False)
    private_key = models.TextField(blank=True, help_text="PEM, encrypted.")
    pin_hash = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.os_version} ({self.installation_id[:8]})"


class PhoneAppAccount(models.Model):
    """One user registered in an app installation (K3 "Add user"), with the secret the
    app received for the offline challenge/response."""

    installation = models.ForeignKey(
        PhoneAppInstallation, on_delete=models.CASCADE, related_name="accounts"
    )
    username = models.CharField(max_length=64)
    serial = models.CharField(max_length=40)
    ocra_suite = models.CharField(max_length=64)
    ocra_secret = models.TextField(help_text="Encrypted.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "username"], name="one_account_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} on {self.installation}"


class SimulatedSecurityKey(models.Model):
    """A security key on the simulator's desk: one FIDO2 credential of a software key
    (devices.security_keys.software), its private key and counter kept encrypted as the
    key's own chip keeps them. The credential id is public (every assertion carries it):
    it finds the key that answers for a registered security key."""

    serial = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=60)
    credential_id = models.CharField(max_length=1400, unique=True)
    authenticator = models.TextField(help_text="The software key's JSON, encrypted.")
    registered_for = models.CharField(
        max_length=150,
        blank=True,
        help_text="The user name the last creation options it answered named.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.serial})"


class PhoneAuthenticatorAccount(models.Model):
    """An account in an authenticator app on a simulated phone (F3): the key the portal
    showed when the app was added, pasted in as its QR code's otpauth:// link or typed.
    The app computes its codes from the key and the clock alone, as a real one does."""

    installation = models.ForeignKey(
        PhoneAppInstallation, on_delete=models.CASCADE, related_name="authenticator_accounts"
    )
    issuer = models.CharField(max_length=64, blank=True)
    label = models.CharField(max_length=128, blank=True)
    secret = models.TextField(help_text="The key, encrypted.")
    digits = models.PositiveSmallIntegerField(default=6)
    period = models.PositiveSmallIntegerField(default=30, help_text="Seconds per code.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        names = [name for name in (self.issuer, self.label) if name]
        return " · ".join(names) or "Account without a name"
