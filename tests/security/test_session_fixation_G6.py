"""G6 (ASVS 7.2.4): the session id changes at every step of a login, so a key planted in
the victim's browser before the login reaches nothing. Replayed over the real views: the
attacker starts a login of their own to hold a stored session, plants its key, the victim
logs in with it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, AuditEventType
from tests.factories import UserFactory
from tests.login_helpers import answer_device, is_device_step, is_logged_in, post_login
from tests.trading.api import ask, begin, verify

pytestmark = pytest.mark.django_db


def session_key_of(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def client_with_key(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def test_G6_ASVS_7_2_4_session_key_rotates_at_password_step(password):
    attacker, victim = UserFactory(), UserFactory()
    attacker_browser = Client()
    assert is_device_step(post_login(attacker_browser, attacker.username, password))
    planted = session_key_of(attacker_browser)
    assert Session.objects.filter(session_key=planted).exists()

    victim_browser = client_with_key(planted)
    device_step = post_login(victim_browser, victim.username, password)

    assert is_device_step(device_step)
    assert device_step.context["device"].user == victim
    at_password = session_key_of(victim_browser)
    assert at_password != planted
    assert not Session.objects.filter(session_key=planted).exists()
    for replay in (
        attacker_browser.get(reverse("devices:login_device")),
        attacker_browser.post(reverse("devices:login_device"), {"resend": "1"}),
        attacker_browser.get(reverse("devices:login_push_status"), {"push": "1"}),
    ):
        assert replay.status_code in (200, 302)
        if replay.status_code == 302:
            assert replay["Location"] == reverse("accounts:login")
        else:
            assert replay.json() == {"status": "denied"}
    assert victim_browser.get(reverse("devices:login_device")).context["device"].user == victim


def test_G6_ASVS_7_2_4_neither_earlier_key_is_authenticated_after_login(password):
    attacker, victim = UserFactory(), UserFactory()
    attacker_browser = Client()
    post_login(attacker_browser, attacker.username, password)
    planted = session_key_of(attacker_browser)
    victim_browser = client_with_key(planted)
    device_step = post_login(victim_browser, victim.username, password)
    at_password = session_key_of(victim_browser)

    done = answer_device(victim_browser, page=device_step)

    assert done.status_code == 302
    assert is_logged_in(victim_browser)
    final = session_key_of(victim_browser)
    assert final not in (planted, at_password)
    assert not Session.objects.filter(session_key__in=[planted, at_password]).exists()
    assert not is_logged_in(client_with_key(planted))
    assert not is_logged_in(client_with_key(at_password))
    succeeded = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_SUCCEEDED)
    assert list(succeeded.values_list("subject", flat=True)) == [victim.pk]


def test_G6_password_step_on_a_fresh_browser_stores_one_session(password, user):
    """A browser without a stored session has no key to rotate: the password step stores
    its session once, under a new key, and no empty row is left behind."""
    browser = client_with_key("k" * 32)

    assert is_device_step(post_login(browser, user.username, password))

    assert session_key_of(browser) != "k" * 32
    assert Session.objects.count() == 1


def test_G6_trading_login_id_is_fresh_per_attempt_and_dies_with_the_login(password, user):
    first = begin(Client(), user.username, password).json()["login_id"]
    second_browser = Client()
    second = begin(second_browser, user.username, password).json()["login_id"]
    assert first != second

    asked = ask(second_browser, second).json()
    assert verify(second_browser, second, asked).status_code == 200

    again = ask(Client(), second)
    assert again.status_code == 401
    assert again.json()["error"] == "login_expired"
