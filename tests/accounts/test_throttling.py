"""Throttles on the password and device steps (issue 8): per client IP address and per user
name, in the shared cache, the same for names that exist and names that do not (L2), and
independent of the L3 lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import conf
from accounts.models import AuditEvent, AuditEventType, LoginFailure
from accounts.throttling import throttle_hit
from tests.factories import UserFactory, give_device
from tests.login_helpers import device_page, post_login
from tests.trading.api import begin

pytestmark = pytest.mark.django_db

IP_LIMIT, WINDOW = conf.THROTTLE_LIMITS["password_ip"]
NAME_LIMIT, _ = conf.THROTTLE_LIMITS["password_user"]
DEVICE_LIMIT, _ = conf.THROTTLE_LIMITS["second_factor_user"]
# Ten seconds into a window, so the wait left is known exactly.
START = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)


def client_at(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


WRONG = "wrong-password"


def attempts(client: Client, names: list[str]) -> list[int]:
    """Statuses of one wrong-password attempt on each name."""
    return [post_login(client, name, WRONG).status_code for name in names]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_throttle_default_limits_sit_above_the_L3_lockout():
    for name in ("password_user", "second_factor_user", "activation_user"):
        assert conf.THROTTLE_LIMITS[name][0] > conf.LOCKOUT_THRESHOLD


def test_throttle_password_per_ip_trips_after_the_limit(clock):
    client = client_at("10.0.0.1")

    statuses = attempts(client, [f"nobody{n}" for n in range(IP_LIMIT + 1)])

    assert statuses == [200] * IP_LIMIT + [429]


def test_throttle_password_429_page_says_when_to_retry(clock):
    client = client_at("10.0.0.1")
    attempts(client, [f"nobody{n}" for n in range(IP_LIMIT)])

    response = post_login(client, "someone", "wrong-password")

    assert response.status_code == 429
    assert response["Retry-After"] == str(WINDOW - 10)
    assert b"Too many attempts. Please wait 5 minutes before trying again." in response.content


@pytest.mark.parametrize("existing", [True, False], ids=["known_user", "unknown_user"])
def test_throttle_password_per_user_name_trips_alike_for_known_and_unknown_names(clock, existing):
    name = UserFactory().username if existing else "nosuchuser"
    statuses = [
        post_login(client_at(f"10.0.1.{n}"), name, "wrong-password").status_code
        for n in range(NAME_LIMIT + 1)
    ]

    assert statuses == [200] * NAME_LIMIT + [429]


def test_throttle_known_and_unknown_names_get_the_same_429(clock):
    known = UserFactory().username
    pages = {}
    for name in (known, "nosuchuser"):
        for n in range(NAME_LIMIT):
            post_login(client_at(f"10.0.2.{n}"), name, "wrong-password")
        pages[name] = post_login(client_at("10.0.3.1"), name, "wrong-password")

    assert pages[known].status_code == pages["nosuchuser"].status_code == 429
    assert pages[known].content == pages["nosuchuser"].content
    assert pages[known]["Retry-After"] == pages["nosuchuser"]["Retry-After"]


def test_throttle_password_resets_after_the_window(clock):
    client = client_at("10.0.0.1")
    attempts(client, [f"nobody{n}" for n in range(IP_LIMIT + 1)])

    clock.shift(timedelta(seconds=WINDOW - 10))

    assert attempts(client, ["nobody"]) == [200]


def test_throttle_two_clients_counted_apart_per_ip_together_per_user_name(clock, user):
    first, second = client_at("192.0.2.1"), client_at("192.0.2.2")
    half = NAME_LIMIT // 2

    assert attempts(first, [user.username] * half) == [200] * half
    assert attempts(second, [user.username] * (NAME_LIMIT - half)) == [200] * (NAME_LIMIT - half)

    assert attempts(first, [user.username]) == [429]
    assert attempts(second, [user.username]) == [429]
    # Per address each has made far fewer than the IP limit: other names still pass.
    assert attempts(first, ["someoneelse"]) == [200]
    assert attempts(second, ["someoneelse"]) == [200]


def test_throttle_refusal_is_audited(clock):
    for n in range(NAME_LIMIT):
        post_login(client_at(f"10.0.4.{n}"), "nosuchuser", "wrong-password")

    post_login(client_at("10.0.5.1"), "nosuchuser", "wrong-password")

    event = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_FAILED).first()
    assert event.subject_username == "nosuchuser"
    assert event.detail == {"step": "password", "reason": "throttled", "retry_after": WINDOW - 10}
    assert event.ip_address == "10.0.5.1"


def test_throttle_refusal_is_not_an_L3_failure(clock, settings, user, password):
    settings.SLS_THROTTLE_LIMITS = {"password_user": (2, WINDOW)}
    attempts(client_at("10.0.5.2"), [user.username] * 2)

    response = post_login(client_at("10.0.5.3"), user.username, password)

    assert response.status_code == 429
    assert LoginFailure.objects.filter(user=user).count() == 2


def test_throttle_right_password_is_refused_too_once_throttled(clock, user, password):
    for n in range(NAME_LIMIT):
        post_login(client_at(f"10.0.6.{n}"), user.username, "wrong-password")

    response = post_login(client_at("10.0.7.1"), user.username, password)

    assert response.status_code == 429
    assert "_auth_user_id" not in response.wsgi_request.session


def test_throttle_limits_follow_settings(clock, settings):
    settings.SLS_THROTTLE_LIMITS = {"password_ip": (3, 60)}
    client = client_at("10.0.0.1")

    statuses = attempts(client, [f"nobody{n}" for n in range(4)])

    assert statuses == [200, 200, 200, 429]


def test_throttle_counter_opened_by_a_concurrent_attempt_counts_both(clock, monkeypatch):
    """Another server process opens the window's counter between this attempt's `incr`
    and its `add`: both attempts are counted, neither is lost."""
    real_add = cache.add

    def add_after_the_other_process(key, value, timeout):
        real_add(key, 1, timeout=timeout)
        return real_add(key, value, timeout=timeout)

    monkeypatch.setattr(cache, "add", add_after_the_other_process)

    first = throttle_hit(scope="password", ip_address="10.0.0.9", subject="name:x")

    monkeypatch.undo()
    assert first.allowed
    assert [
        throttle_hit(scope="password", ip_address="10.0.0.9", subject="name:x").allowed
        for _ in range(NAME_LIMIT)
    ] == [True] * (NAME_LIMIT - 2) + [False] * 2


def test_throttle_second_factor_per_user(clock, user, password):
    give_device(user)
    client = client_at("10.0.8.1")
    post_login(client, user.username, password)
    page = device_page(client)
    url = reverse("devices:login_device")
    form = {"device": page.context["device"].pk, "challenge": 0, "response": "1"}
    # A resend or an answer counts alike; use "resend" so no failure is counted (L3).
    statuses = [
        client.post(url, {**form, "resend": "1"}).status_code for _ in range(DEVICE_LIMIT + 1)
    ]

    assert statuses[:DEVICE_LIMIT] == [200] * DEVICE_LIMIT
    assert statuses[DEVICE_LIMIT] == 429
    event = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_FAILED).first()
    assert event.subject == user
    assert event.detail["step"] == "second_factor"
    assert event.detail["reason"] == "throttled"


def test_throttle_api_login_answers_429_json(clock, user, password):
    client = client_at("10.0.9.1")
    for n in range(NAME_LIMIT):
        begin(client_at(f"10.0.10.{n}"), user.username, "wrong-password")

    response = begin(client, user.username, password)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Retry-After"] == str(WINDOW - 10)
    assert response.json() == {
        "error": "throttled",
        "detail": "Too many attempts. Please wait 5 minutes before trying again.",
    }


def test_throttle_api_and_portal_count_one_password_budget(clock, user):
    for n in range(NAME_LIMIT):
        post_login(client_at(f"10.0.11.{n}"), user.username, "wrong-password")

    assert begin(client_at("10.0.12.1"), user.username, "wrong-password").status_code == 429
