"""Login identities. A user belongs to one client (person or entity) and one account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.utils import timezone

from accounts.validators import USERNAME_MAX_LENGTH, UsernameValidator


class SlsUserManager(UserManager):
    """contrib.auth's manager without its e-mail normalising, which our names never need."""

    def get_by_natural_key(self, username: str) -> User:
        return self.get(username=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A user name with a password (SPEC §0).

    Clients' users have a client and an account; support staff have neither. The lockout
    state (L3) lives here so that one row lock serialises concurrent attempts on a user.
    """

    username = models.CharField(
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=[UsernameValidator()],
        help_text="Lower-case letters and digits; case-sensitive.",
    )
    email = models.EmailField(blank=True)
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    last_failed_login_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When ten consecutive failures within 24 hours locked this user (L3).",
    )
    sessions_ended_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When every session and pending login of this user was ended (G3): "
        "a session or login begun before this moment is refused.",
    )

    objects = SlsUserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["username"]
        permissions = [("lift_lockout", "Can lift a login lockout")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=True, account__isnull=True)
                | models.Q(client__isnull=False, account__isnull=False),
                name="client_user_has_client_and_account",
            ),
        ]

    def __str__(self) -> str:
        return self.username


class LoginFailure(models.Model):
    """One unsuccessful login attempt on a known user since its last complete login, kept to
    evaluate L3's rolling window and deleted when the count resets."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_failures")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "at"], name="loginfailure_user_at")]

    def __str__(self) -> str:
        return f"{self.user} failed at {self.at:%Y-%m-%d %H:%M:%S}"
