"""The idempotency key: one random name for one withdrawal the client means to make, sent
again with every retry of it. A retry after a lost answer (a worker killed mid-request, a
dropped connection, a resubmitted form) then finds the withdrawal already made under its key
instead of making a second one. The ledger holds each of a user's keys at most once (a
unique constraint), which also decides between two retries racing on two connections."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError

from withdrawals import conf

# [A-Za-z0-9_-], not \w: no other script's letters, no control or NUL character can pass.
KEY_PATTERN = re.compile(
    rf"[A-Za-z0-9_-]{{{conf.IDEMPOTENCY_KEY_MIN_LENGTH},{conf.IDEMPOTENCY_KEY_MAX_LENGTH}}}"
)
KEY_FORMAT = (
    f"The idempotency key must be {conf.IDEMPOTENCY_KEY_MIN_LENGTH} to "
    f"{conf.IDEMPOTENCY_KEY_MAX_LENGTH} letters, digits, '-' or '_'."
)
KEY_REUSED = (
    "This idempotency key was already used for a withdrawal of another amount, destination "
    "or account. Nothing was withdrawn for this request; use a new key for a new withdrawal."
)


class KeyReused(ValidationError):
    """The key names a withdrawal other than this request: a slip in the client, refused
    so that one withdrawal's retry never makes or answers for another."""

    def __init__(self) -> None:
        super().__init__(KEY_REUSED, code="idempotency_key_reused")


def idempotency_key_new() -> str:
    """A fresh key, as the portal's withdrawal form carries it."""
    return secrets.token_urlsafe(conf.IDEMPOTENCY_KEY_BYTES)


def idempotency_key_check(key: object) -> str:
    """The key itself, or ValidationError for anything that is not one."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ValidationError(KEY_FORMAT, code="idempotency_key_format")
    return key
