"""L2: an unknown user name and a known one with a wrong password take the same time to
answer, measured through the login page with the production hasher (Argon2id).

Interleaved pairs, one of each kind back to back, compared by the median of their ratios:
a busy machine slows both attempts of a pair alike, and a few slow outliers do not move a
median. If the unknown-name path skipped the hashing it
would answer in a few milliseconds against hundreds, far outside the tolerance."""

from __future__ import annotations

import statistics
import time

import pytest
from django.contrib.auth.hashers import get_hasher, make_password
from django.test import Client

from accounts.models import User
from sls_portal.settings.base import PASSWORD_HASHERS as PRODUCTION_HASHERS
from tests.factories import UserFactory
from tests.login_helpers import login_error, post_login

# Measured on a shared machine: under parallel workers, one measurement at a time.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.xdist_group("measurements")]

SAMPLES = 50
TOLERANCE = 0.15
INVALID = "Invalid user name password combination"


@pytest.fixture
def production_hasher(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    settings.SLS_THROTTLE_LIMITS = {"password_ip": (10_000, 300), "password_user": (10_000, 300)}
    assert get_hasher().algorithm == "argon2"


def known_users(count: int) -> list[User]:
    """`count` users sharing one Argon2 hash, so that none of them reaches the L3 lockout
    during the measurement and the set-up costs one hash, not `count`."""
    users = [UserFactory(password=None) for _ in range(count)]
    encoded = make_password("the-right-password")
    User.objects.filter(pk__in=[user.pk for user in users]).update(password=encoded)
    return users


def timed_attempt(client: Client, username: str) -> float:
    started = time.perf_counter()
    response = post_login(client, username, "a-wrong-password")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and login_error(response) == INVALID
    return elapsed


def test_L2_unknown_and_known_users_answer_in_the_same_time(production_hasher):
    client = Client()
    users = known_users(SAMPLES)
    timed_attempt(client, users[0].username)  # warm up: templates, connections
    known, unknown = [], []
    for index, user in enumerate(users):
        pair = [(known, user.username), (unknown, f"nobody{index}")]
        # Alternate which goes first, so a drift in machine load hits both alike.
        for samples, username in pair if index % 2 else reversed(pair):
            samples.append(timed_attempt(client, username))

    # Each pair ran back to back, so its ratio cancels what the machine was doing then.
    ratio = statistics.median(k / u for k, u in zip(known, unknown, strict=True))
    assert abs(ratio - 1) < TOLERANCE, (
        f"known/unknown median ratio {ratio:.2f}; medians known "
        f"{statistics.median(known):.3f} s, unknown {statistics.median(unknown):.3f} s"
    )
