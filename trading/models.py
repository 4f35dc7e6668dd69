"""The trading platform's own state: a login waiting for its device step, and the sessions
it opens. Both live in the database, so any server process can continue a login or check
a token (no state in process memory). Only SHA-256 digests of the random values handed to
the client are stored: a copy of the table opens nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApprovalMethod(models.TextChoices):
    """How the session's last authentication was made; decides its length (K5)."""

    PIN = "pin", "IB Key push approved with the PIN"
    BIOMETRIC = "biometric", "IB Key push approved with biometrics"
    RESPONSE = "response", "Device response typed"
    PASSWORD = "password", "Password alone (opted out of SLS, L6)"


class TradingSession(models.Model):
    """A bearer-token session of the trading platform.

    `device` is the security device that opened it (none for an opted-out user's password
    login, L6); every request checks that the device still works and, for a temporary
    device, that its trading window is still open (T2, T3, T4).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trading_sessions"
    )
    device = models.ForeignKey(
        "devices.SecurityDevice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trading_sessions",
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    approval_method = models.CharField(max_length=10, choices=ApprovalMethod.choices)
    created_at = models.DateTimeField(default=timezone.now)
    authenticated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="tradingsession_user_open")]
        permissions = [("end_tradingsession", "Can end a trading platform session")]

    def __str__(self) -> str:
        return f"trading session {self.pk} of {self.user_id}"


class PendingTradingLogin(models.Model):
    """The password step passed on the trading channel and the device step is due; or, with
    `session`, a fresh authentication that will extend that session (K5).

    The client holds a random login id (only its digest is kept here); `attempt` is a second
    random value, never handed out, that binds the challenges and pushes of this login.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.OneToOneField(
        TradingSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reauthentication",
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    attempt = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"pending trading login {self.pk} of {self.user_id}"
