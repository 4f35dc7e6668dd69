"""The trading platform's own state: a login waiting for its device step, and the sessions
it opens. Both live in the database, so any server process can continue a login or check
a token (no state in process memory). Only SHA-256 digests of the random values handed to
the client are stored: a copy of the table opens nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.permissions import Market


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


class OrderSide(models.TextChoices):
    BUY = "buy", "Buy"
    SELL = "sell", "Sell"


MARKET_LABELS = {
    Market.LISTED_STOCKS: "Listed stocks",
    Market.OPTIONS: "Options",
    Market.FUTURES: "Futures",
    Market.FOREX: "Forex",
    Market.PINK_SHEET: "Pink Sheet",
    Market.OTCBB: "OTCBB",
}


class OrderTicket(models.Model):
    """An order ticket the trading channel accepted. This is a simulation: the ticket is
    validated against what the account may trade (O3), recorded and audited, and never
    sent to any market. Tickets the rules refuse are not recorded here, only audited."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="order_tickets"
    )
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="order_tickets"
    )
    session = models.ForeignKey(
        TradingSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    symbol = models.CharField(max_length=13)
    market = models.CharField(
        max_length=20, choices=[(market.value, label) for market, label in MARKET_LABELS.items()]
    )
    side = models.CharField(max_length=4, choices=OrderSide.choices)
    quantity = models.PositiveIntegerField()
    # None for a market order; else the limit, with up to four decimals (sub-penny quotes
    # are common on Pink Sheet and OTCBB stocks).
    limit_price = models.DecimalField(max_digits=11, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "created_at"], name="orderticket_account")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orderticket_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.quantity} {self.symbol} ({self.market})"
