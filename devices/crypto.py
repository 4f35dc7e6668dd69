"""Secrets at rest (D4): device seeds encrypted under rotatable keys, card cells keyed-hashed."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """No configured key opens this ciphertext: it was made under a retired key or altered."""


@cache
def _box(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("DEVICE_SECRET_KEYS is empty.")
    return MultiFernet([Fernet(key) for key in keys])


def _current_box() -> MultiFernet:
    return _box(tuple(settings.DEVICE_SECRET_KEYS))


def secret_encrypt(secret: bytes) -> str:
    """Encrypt under the first configured key."""
    return _current_box().encrypt(secret).decode("ascii")


def secret_decrypt(token: str) -> bytes:
    try:
        return _current_box().decrypt(token.encode("ascii"))
    except InvalidToken as exc:
        raise SecretUnreadable from exc


def secret_reencrypt(token: str) -> str:
    """The same secret under the first key, for rotating keys without reading it out."""
    try:
        return _current_box().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise SecretUnreadable from exc


def cell_digest(*, card_id: str, index: int, code: str) -> str:
    """A grid card's cell as an HMAC bound to card and position, so cells cannot be moved
    between cards or positions and the database alone cannot print a card."""
    key = settings.DEVICE_CELL_HMAC_KEY
    if not key:
        raise ImproperlyConfigured("DEVICE_CELL_HMAC_KEY is empty.")
    message = f"{card_id}:{index}:{code}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def cell_matches(*, card_id: str, index: int, code: str, digest: str) -> bool:
    return hmac.compare_digest(cell_digest(card_id=card_id, index=index, code=code), digest)
