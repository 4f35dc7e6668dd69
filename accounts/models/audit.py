"""The append-only audit trail of security events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models.append_only import AppendOnlyModel


class AuditEventType(models.TextChoices):
    """Event types, grouped by prefix: `login.` for the login flow, `lockout.` for L3.

    `device.` for security devices, `hold.` for device deposits, `trading.` for the
    trading-platform channel; `sls.` for opting out and in (O1, O2), `bank.`, `email.`,
    `security_request.` and `deposit.` for what opting out restricts (O3);
    `identification.` for the support desk's check of a caller (T1); later groups
    (`share.`, `withdrawal.`) join as their features arrive.
    """

    LOGIN_SUCCEEDED = "login.succeeded", "Login succeeded"
    LOGIN_FAILED = "login.failed", "Login failed"
    LOGIN_REFUSED_LOCKED = "login.refused_locked", "Login refused: user locked"
    LOGOUT = "login.logout", "Logged out"
    SESSIONS_ENDED = "login.sessions_ended", "Every session and pending login ended"
    LOCKOUT_STARTED = "lockout.started", "User locked out"
    LOCKOUT_LIFTED = "lockout.lifted", "Lockout lifted by support"
    DEVICES_IMPORTED = "device.imported", "Devices imported into inventory"
    DEVICE_ASSIGNED = "device.assigned", "Security device assigned"
    DEVICE_PIN_SET = "device.pin_set", "Security device PIN set"
    DEVICE_SECRETS_REENCRYPTED = "device.reencrypted", "Device secrets re-encrypted"
    PUSH_APPROVED = "push.approved", "IB Key notification approved"
    PUSH_DENIED = "push.denied", "IB Key notification denied"
    PUSH_FRAUD_REPORTED = "push.fraud_reported", "IB Key notification reported as fraud"
    PUSH_LIMIT_REACHED = "push.limit_reached", "IB Key notification refused: too many"
    ONLINE_CARD_ENDED = "device.online_card_ended", "Expired online security card ended"
    PASSCODE_ISSUED = "device.passcode_issued", "Temporary passcode issued"
    ONLINE_CARD_ISSUED = "device.online_card_issued", "Online security card issued"
    DEVICE_REPORTED = "device.reported", "Security device reported lost or damaged"
    DEVICE_RETURNED = "device.returned", "Security device returned"
    DEVICE_REACTIVATED = "device.reactivated", "Security device reactivated"
    DEVICE_ORDERED = "device.ordered", "Replacement device ordered"
    DEVICE_SHIPPED = "device.shipped", "Replacement device shipped"
    DEVICE_AUTO_ACTIVATED = "device.auto_activated", "Shipped device activated automatically"
    DEVICE_PIN_CHANGED = "device.pin_changed", "Security device PIN changed"
    DEVICE_REGISTERED = "device.registered", "Security key or authenticator app added"
    DEVICE_REMOVED = "device.removed", "Security key or authenticator app removed"
    DEVICE_CLONE_SUSPECTED = (
        "device.clone_suspected",
        "Security key refused and flagged: its sign count went backwards",
    )
    HOLD_RELEASED = "hold.released", "Device deposit released"
    HOLD_KEPT = "hold.kept", "Device deposit kept"
    ACCESS_REFUSED = "access.refused", "Access refused by a temporary device's window"
    ACTIVATION_REFUSED = (
        "device.activation_refused",
        "New device or mobile number refused: not proven by a device or the record (G2)",
    )
    SECOND_FACTOR_NOT_CHECKED = (
        "second_factor.not_checked",
        "Second factor not checked: the challenge was no longer open",
    )
    ADDRESS_CHANGED = "client.address_changed", "Shipping address changed"
    NOTICE_SENT = "notice.sent", "Notice sent to the client"
    TRADING_SESSION_STARTED = "trading.session_started", "Trading platform session started"
    TRADING_SESSION_EXTENDED = "trading.session_extended", "Trading platform session extended"
    TRADING_SESSION_ENDED = "trading.session_ended", "Trading platform session ended"
    TRADING_ORDER_ACCEPTED = "trading.order_accepted", "Order ticket accepted (simulated)"
    TRADING_ORDER_REFUSED = "trading.order_refused", "Order ticket refused"
    SLS_OPTED_OUT = "sls.opted_out", "Opted out: Secure Login not required for trading"
    SLS_OPTED_IN = "sls.opted_in", "Opted back in to the Secure Login System"
    SETTINGS_REFUSED = "sls.settings_refused", "Security settings change refused: not primary"
    BANK_INSTRUCTIONS_CHANGED = "bank.instructions_changed", "Bank instructions changed"
    EMAIL_CHANGED = "email.changed", "E-mail address changed"
    SECURITY_REQUEST_QUEUED = "security_request.queued", "Change queued for the Security Team"
    SECURITY_REQUEST_APPROVED = "security_request.approved", "Security Team approved a change"
    SECURITY_REQUEST_REJECTED = "security_request.rejected", "Security Team rejected a change"
    DEPOSIT_ACCEPTED = "deposit.accepted", "ACH/EFT deposit accepted"
    DEPOSIT_REFUSED = "deposit.refused", "ACH/EFT deposit refused"
    WITHDRAWAL_REQUESTED = "withdrawal.requested", "Withdrawal requested"
    WITHDRAWAL_ACCEPTED = "withdrawal.accepted", "Withdrawal accepted"
    WITHDRAWAL_REFUSED = "withdrawal.refused", "Withdrawal refused"
    SHARE_REQUESTED = "share.requested", "Device share requested"
    SHARE_APPROVED = "share.approved", "Device share approved"
    SHARE_REJECTED = "share.rejected", "Device share rejected"
    SHARE_CANCELLED = "share.cancelled", "Device share cancelled"
    SHARE_REFUSED = "share.refused", "Device share refused"
    IDENTIFICATION_CHECKED = "identification.checked", "Caller's identification data checked"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"


class AuditEvent(AppendOnlyModel):
    """A security event as it happened.

    `actor` is who acted (a support agent lifting a lock, or the user logging in);
    `subject` is the user the event is about. Names are copied beside the foreign keys
    so a row still reads correctly if the attempted user name matched nobody. Rows are
    never changed or deleted: the ORM refuses it and a database trigger refuses it too.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # An `AuditEventType` value. Its labels live in code, not in the column's choices, so a
    # feature that adds an event type adds no migration here.
    event_type = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events_acted",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    subject_username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    append_only_message = "Audit events are append-only."

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "at"], name="auditevent_subject_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event_type} {self.subject_username}"

    @property
    def event_label(self) -> str:
        """The event's label, or its stored value for a type this code no longer knows."""
        try:
            return str(AuditEventType(self.event_type).label)
        except ValueError:
            return self.event_type
