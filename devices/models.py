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

from devices.kinds import (
    TEMPORARY_KINDS,
    DeviceKind,
    Kind,
    column_constraints,
    kind_codes,
    kind_for,
)


class Authenticator(models.Model):
    class State(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        SHIPPED = "shipped", "Shipped"
        ACTIVE = "active", "Active"
        LOST = "lost", "Lost"
        DAMAGED = "damaged", "Damaged"
        RETURNED = "returned", "Returned"
        REVOKED = "revoked", "Revoked"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    serial = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_STOCK)
    secret = models.TextField(blank=True, help_text="Seed, encrypted (D4).", editable=False)
    pin = models.TextField(
        blank=True,
        editable=False,
        help_text="The card's PIN, encrypted (D4): OCRA hashes it into each response.",
    )
    ocra_suite = models.CharField(max_length=64, blank=True)
    phone_number = models.CharField(
        max_length=20, blank=True, help_text="E.164 number of an SMS device."
    )
    public_key = models.TextField(
        blank=True,
        help_text="PEM of an IB Key app's EC P-256 key, which verifies its approvals; or a "
        "security key's COSE public key (base64url), which verifies its assertions.",
    )
    app_installation = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="The IB Key app installation this registration belongs to (K4).",
    )
    otp_mode = models.CharField(
        max_length=4, blank=True, choices=[("hotp", "HOTP"), ("totp", "TOTP")]
    )
    otp_digits = models.PositiveSmallIntegerField(default=6)
    code_hash = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="A temporary passcode, hashed like a password (D4).",
    )
    credential_id = models.CharField(
        max_length=1400,
        blank=True,
        help_text="A security key's WebAuthn credential id (base64url).",
    )
    attestation_format = models.CharField(
        max_length=32, blank=True, help_text="The attestation a security key gave (accepted, F1)."
    )
    aaguid = models.CharField(
        max_length=36, blank=True, help_text="The security key's model, as its attestation says."
    )
    attestation_object = models.TextField(
        blank=True, editable=False, help_text="The attestation object as registered (base64url)."
    )
    clone_suspected_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a security key's sign count went backwards: it answers nothing since.",
    )
    counter = models.BigIntegerField(
        default=0, editable=False, help_text="HOTP counter, or a security key's sign count."
    )
    last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it last approved something."
    )

    class Meta:
        ordering = ["serial"]
        # Each kind's own columns (a phone number, an app's key, a passcode's hash, an
        # OCRA suite, a one-time-code mode, a credential) are blank on the rows of every
        # other kind; a WebAuthn credential is registered once.
        constraints = [
            *column_constraints(),
            models.UniqueConstraint(
                fields=["credential_id"],
                condition=~models.Q(credential_id=""),
                name="one_row_per_credential",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_behaviour.label} {self.serial}"

    @property
    def kind_behaviour(self) -> DeviceKind:
        return kind_for(self.kind)


class TemporaryDeviceManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind__in=TEMPORARY_KINDS)


class TemporaryDevice(Authenticator):
    """Temporary passcodes and online cards, as the support desk lists them with their
    windows (T1-T3). It also carries the support desk's device permissions, which belong
    to no table of their own, so the Support group can hold exactly these (least privilege)."""

    objects = TemporaryDeviceManager()

    class Meta:
        proxy = True
        verbose_name = "temporary device"
        permissions = [
            ("issue_temporary_passcode", "Can issue a temporary passcode"),
            ("report_device", "Can mark a security device lost or damaged"),
            ("record_device_return", "Can record a returned security device"),
        ]


class SelfRegisteredDeviceManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind__in=kind_codes(lambda kind: kind.self_registered))


class SelfRegisteredDevice(Authenticator):
    """Security keys and authenticator apps as the support desk lists them (F1, F3, F4):
    each registered by its holder, so the desk reads them (the name the user chose, the
    last use, a key's sign count and attestation, the possibly-cloned flag) and may report
    one lost or damaged, or remove it, but never adds one."""

    objects = SelfRegisteredDeviceManager()

    class Meta:
        proxy = True
        verbose_name = "security key or authenticator app"
        verbose_name_plural = "security keys and authenticator apps"
        permissions = [("remove_device", "Can remove a security key or authenticator app")]


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

    def verify_is_allowed(self) -> tuple[bool, dict[str, str]]:
        """django-otp's own verification path is closed: every answer goes through the gate
        (`devices.flows.device_step`), which knows the challenge's purpose and attempt and
        counts a wrong answer towards the L3 lockout (G1). Code that calls
        `django_otp.verify_token` gets a refusal and changes nothing."""
        return False, {"reason": "answers go through the portal's device step"}

    def verify_token(self, token: str) -> bool:
        return False


class Challenge(models.Model):
    """A challenge shown for one purpose (an action of the assurance table) at one attempt:
    single-use and short-lived (D2). A device holds at most one open challenge per
    purpose, so a login in another tab does not close a withdrawal's approval (G1)."""

    device = models.ForeignKey(SecurityDevice, on_delete=models.CASCADE, related_name="challenges")
    purpose = models.CharField(max_length=32)
    attempt = models.CharField(max_length=64, db_index=True)
    value = models.CharField(max_length=64, blank=True)
    secret = models.TextField(
        blank=True, help_text="A code sent out of band (SMS, voice), encrypted until used."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["device", "purpose", "used_at"], name="challenge_device_purpose")
        ]

    def __str__(self) -> str:
        return f"challenge {self.pk} for {self.device_id}"

    def is_open(self, at) -> bool:
        return self.used_at is None and at < self.expires_at

    @property
    def client_options(self) -> dict | None:
        """What a browser or client program is given to answer this challenge (a security
        key's WebAuthn request options), None when a person types the answer."""
        authenticator = self.device.authenticator
        return authenticator.kind_behaviour.client_options(authenticator, self.value)


class PushRequest(models.Model):
    """An IB Key push notification for one login attempt (K2), decided on the phone with
    number matching and signed by the app's private key."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the phone"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    class Method(models.TextChoices):
        PIN = "pin", "PIN"
        BIOMETRIC = "biometric", "Biometrics"

    device = models.ForeignKey(SecurityDevice, on_delete=models.CASCADE, related_name="pushes")
    attempt = models.CharField(max_length=64, db_index=True)
    number = models.CharField(
        max_length=2, help_text="The number shown at login, typed on the phone."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    fraud_reported = models.BooleanField(default=False)
    signature = models.TextField(blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "status"], name="push_device_status")]

    def __str__(self) -> str:
        return f"push {self.pk} for {self.device_id} ({self.status})"


class ActivationCode(models.Model):
    """A one-time code sent by SMS to confirm a mobile number: for enrolment of a new
    applicant (E1) and for IB Key activation (K1). Kept as a keyed hash; single-use."""

    class Purpose(models.TextChoices):
        ENROLMENT = "enrolment", "Mobile number confirmation"
        IB_KEY = "ib_key", "IB Key activation"

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="activation_codes"
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    phone_number = models.CharField(max_length=20)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} code for {self.user_id}"


class IbKeyActivation(models.Model):
    """An IB Key activation in progress (K1, G2), kept here and not in the app: the app
    holds only the token whose digest is stored. Short-lived and single use; a user with a
    permanent device answers it (stage "answer") before a number may be given."""

    class Stage(models.TextChoices):
        ANSWER = "answer", "Answer a security device"
        NUMBER = "number", "Give the mobile number"
        CODE = "code", "Type the code sent by SMS"

    token_digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="ib_key_activations"
    )
    attempt = models.CharField(max_length=64, help_text="Binds the device's challenge (D2).")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    asked_device = models.ForeignKey(
        SecurityDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_by = models.ForeignKey(
        SecurityDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone_number = models.CharField(max_length=20, blank=True)
    code = models.ForeignKey(
        ActivationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"IB Key activation of {self.user_id} ({self.stage})"


class AuthenticatorAppEnrolment(models.Model):
    """An authenticator app being added (F3, G2), kept here between the QR code and the
    app's first code: made only after a fresh answer from a permanent device, bound to its
    user, short-lived and single use. The secret moves to the new authenticator once a
    code from the app confirms it."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="authenticator_app_enrolments"
    )
    name = models.CharField(max_length=64, help_text="The name the user chose for the app.")
    secret = models.TextField(
        blank=True, editable=False, help_text="The app's seed, encrypted (D4); gone once used."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"authenticator app enrolment of {self.user_id}"


class OutboundMessage(models.Model):
    """A text message or voice call as the outbox gateway records it; the simulators'
    inbox reads these. Other gateways (console, file, locmem) do not touch the table."""

    class Channel(models.TextChoices):
        SMS = "sms", "Text message"
        VOICE = "voice", "Voice call"

    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to}"


class DeviceShare(models.Model):
    """One user's request to use another user's card (H1-H5, KB2481).

    The owner keeps the card; an approved share gives the requester a `SecurityDevice` on
    the same authenticator and sets the requester's other devices aside (H5): they are
    listed here, kept unconfirmed rather than deleted, and confirmed again on cancellation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending Compliance review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    requester = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="device_shares_requested"
    )
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="device_shares_owned"
    )
    authenticator = models.ForeignKey(
        Authenticator, on_delete=models.PROTECT, related_name="shares"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    deactivated_devices = models.ManyToManyField(
        SecurityDevice,
        blank=True,
        related_name="+",
        help_text="The requester's redundant devices, set aside while the share lasts (H5).",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("decide_deviceshare", "Can approve or reject a device share")]
        constraints = [
            models.UniqueConstraint(
                fields=["requester"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="one_open_share_per_requester",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("owner")), name="share_not_with_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"share {self.pk}: {self.authenticator_id} to {self.requester_id} ({self.status})"
