"""Fixtures for device tests: a user holding a card of each kind."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.factories import UserFactory, give_device

# (kind, OTP mode): every kind the login accepts, the legacy cards in both OTP modes.
CARDS = [
    ("dsc_plus", ""),
    ("dsc", ""),
    ("scc", ""),
    ("platinum", "totp"),
    ("gold", "hotp"),
]


def make_holder(kind: str, otp_mode: str = "", **fields: object) -> User:
    user = UserFactory(device=False, **fields)
    give_device(user, kind, otp_mode=otp_mode)
    return user


@pytest.fixture(params=CARDS, ids=[kind for kind, _ in CARDS])
def holder(request, db) -> User:
    kind, otp_mode = request.param
    return make_holder(kind, otp_mode)
