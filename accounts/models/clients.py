"""Who owns the users: a person or an entity (SPEC §0), and the accounts they hold."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django_countries.fields import CountryField


class IdDocumentType(models.TextChoices):
    PASSPORT = "passport", "Passport"
    NATIONAL_ID = "national_id", "National identity card"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    SSN = "ssn", "US Social Security Number"
    REGISTRATION = "registration", "Company registration number"


class Client(models.Model):
    """A person or an entity that owns one or more users, possibly across several accounts.

    Its identification data (KB2481) is what decides whether two users may share a device
    when they belong to different clients, so it lives here and not on the user.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ENTITY = "entity", "Entity"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    citizenship = CountryField()
    residence_country = CountryField("country of legal residence")
    id_document_type = models.CharField(
        "identification document type", max_length=20, choices=IdDocumentType.choices
    )
    id_document_number = models.CharField("identification document number", max_length=40)
    address_line = models.CharField("street address", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    address_country = CountryField("country of the address", blank=True)
    email = models.EmailField(blank=True)
    mobile_number = models.CharField(
        "mobile number on record",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+[1-9][0-9]{6,14}$", "Use E.164, e.g. +447700900123.")],
        help_text="From the account application (E.164). Without a permanent device, only a "
        "number on record may receive an activation code (G2).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="entity") | models.Q(date_of_birth__isnull=False),
                name="person_has_date_of_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.PERSON and self.date_of_birth is None:
            raise ValidationError({"date_of_birth": "A person needs a date of birth."})
        us_person = "US" in (self.citizenship, self.residence_country)
        if us_person and self.kind == self.Kind.PERSON and self.id_document_type != "ssn":
            raise ValidationError(
                {"id_document_type": "US citizens and residents are identified by SSN."}
            )


class Account(models.Model):
    """A brokerage account. Its primary user alone may change its security settings (O1)."""

    number = models.CharField(
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^U[0-9]{7,10}$", "Account numbers look like U1234567.")],
    )
    title = models.CharField(max_length=200)
    base_currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 currency code.")],
    )
    equity = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    primary_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_of",
    )
    sls_opted_out = models.BooleanField(
        "Secure Login not required for trading",
        default=False,
        help_text="Opted out of SLS: the trading platform logs in with the password alone (L6).",
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        if self.primary_user_id and self.primary_user.account_id != self.pk:
            raise ValidationError({"primary_user": "The primary user must use this account."})
