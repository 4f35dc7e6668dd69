"""A replacement DSC+ order (T5-T7). Its table was created by the devices app, where the
model began (devices/migrations/0003), and renamed to this app's own by
orders/migrations/0002; the rows never moved."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from devices.models import Authenticator


class DeviceOrder(models.Model):
    """A DSC+ requested or replaced from the SLS page (T5), its shipment and auto-activation
    (T6), and the USD 20 deposit held against an account until the device comes back (T7)."""

    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        SHIPPED = "shipped", "Shipped"
        ACTIVATED = "activated", "Activated"
        CANCELLED = "cancelled", "Cancelled"

    class Hold(models.TextChoices):
        HELD = "held", "Held"
        RELEASED = "released", "Released"
        KEPT = "kept", "Kept"

    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="device_orders"
    )
    authenticator = models.OneToOneField(
        Authenticator, on_delete=models.PROTECT, null=True, blank=True, related_name="order"
    )
    replaces = models.ForeignKey(
        Authenticator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLACED)
    address_line = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    address_country = models.CharField(max_length=2)
    hold_account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="+")
    hold_amount = models.DecimalField(max_digits=8, decimal_places=2, default=20)
    hold = models.CharField(max_length=10, choices=Hold.choices, default=Hold.HELD)
    hold_reason = models.CharField(max_length=200, blank=True)
    placed_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    estimated_delivery = models.DateField(null=True, blank=True)
    auto_activate_at = models.DateTimeField(null=True, blank=True)
    approaching_notice_at = models.DateTimeField(null=True, blank=True)
    imminent_notice_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["placed", "shipped"]),
                name="one_open_order_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"DSC+ order {self.pk} for {self.user_id} ({self.status})"
