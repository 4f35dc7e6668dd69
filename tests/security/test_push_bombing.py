"""G7 / ASVS 6.6.4 replayed: someone who has the password cannot flood the user's phone
with IB Key notifications. A reload shows the pending request again; a login attempt gets
at most PUSH_LIMIT_PER_ATTEMPT requests and a user PUSH_LIMIT_PER_USER within
PUSH_LIMIT_WINDOW, counted in the database; past that the phone gets nothing, the page
says how long to wait and keeps the challenge, and the trading API answers 429."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices import conf
from devices.ib_key.push import PushLimitReached, push_create
from devices.models import PushRequest
from tests.devices.ib_key.app import install_app
from tests.devices.ib_key.test_push_login_K2 import decide
from tests.factories import UserFactory
from tests.login_helpers import device_page, post_login
from tests.trading.api import ask, begin

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
FALLBACK = b"Click here if you do not receive the notification"
DUMMY = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
# No cache at all: the throttles' and, under cached_db, the sessions' alias.
NO_CACHE = {"default": DUMMY, "sessions": DUMMY}


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app_user(db):
    user = UserFactory(device=False)
    install_app(user)
    return user


def limit_events(user):
    return AuditEvent.objects.filter(event_type=AuditEventType.PUSH_LIMIT_REACHED, subject=user)


def test_G7_ASVS_6_6_4_sixty_reloads_send_one_push(clock, client, app_user, password):
    """The replay of the report: the device step and 60 reloads within 5 seconds."""
    first = post_login(client, app_user.username, password)
    numbers = {first.context["push"].number}
    for _ in range(60):
        clock.shift(dt.timedelta(milliseconds=80))
        page = device_page(client)
        numbers.add(page.context["push"].number)

    assert PushRequest.objects.filter(device__user=app_user).count() == 1
    assert len(numbers) == 1


def test_G7_ASVS_6_6_4_three_pushes_per_login_attempt(clock, client, password):
    """The user denies each notification; the login asking again gets three in all."""
    user = UserFactory(device=False)
    app = install_app(user)
    page = post_login(client, user.username, password)
    for _ in range(conf.PUSH_LIMIT_PER_ATTEMPT - 1):
        decide(app, page.context["push"], decision="deny")
        clock.shift(dt.timedelta(seconds=10))
        page = device_page(client)
        assert page.context["push"] is not None
    decide(app, page.context["push"], decision="deny")
    clock.shift(dt.timedelta(seconds=10))
    app_user = user

    refused = device_page(client)

    assert refused.context["push"] is None
    assert PushRequest.objects.filter(device__user=app_user).count() == 3
    text = refused.content.decode()
    assert "Too many notifications were sent to your phone. Wait 15 minutes" in text
    assert FALLBACK in refused.content
    # The challenge stays open to this login.
    fallback = client.get(reverse("devices:login_device"), {"fallback": 1})
    assert fallback.context["challenge"] is not None
    assert limit_events(app_user).count() == 1


@override_settings(CACHES=NO_CACHE)
def test_G7_ASVS_6_6_4_ten_pushes_per_user_across_logins_without_a_cache(clock, app_user, password):
    """Fresh logins each get a push until the user's ten in 15 minutes are used; the count
    is the database's, so it holds with no cache at all and across server processes."""
    pages = []
    for _ in range(12):
        clock.shift(dt.timedelta(seconds=5))
        browser = Client()
        post_login(browser, app_user.username, password)
        pages.append(device_page(browser))

    assert [page.context["push"] is not None for page in pages] == [True] * 10 + [False] * 2
    assert PushRequest.objects.filter(device__user=app_user).count() == 10
    assert "Wait 15 minutes" in pages[-1].content.decode()
    (event,) = limit_events(app_user)
    assert event.detail["limit"] == "user"
    assert event.outcome == "failure"

    # Once the first push has left the window, one more may go.
    clock.shift(conf.PUSH_LIMIT_WINDOW - dt.timedelta(seconds=50))
    browser = Client()
    post_login(browser, app_user.username, password)
    assert device_page(browser).context["push"] is not None


def test_G7_ASVS_6_6_4_push_create_refuses_every_channel(clock, app_user):
    device = app_user.securitydevice_set.get()
    for attempt in range(conf.PUSH_LIMIT_PER_USER):
        push_create(device=device, attempt=f"a{attempt}", client=SYSTEM)

    with pytest.raises(PushLimitReached) as refused:
        push_create(device=device, attempt="another", client=SYSTEM)

    assert refused.value.wait == conf.PUSH_LIMIT_WINDOW
    assert refused.value.retry_after == 900


def test_G7_ASVS_6_6_4_trading_api_answers_429(clock, app_user, password):
    client = Client()
    answers = []
    for _ in range(conf.PUSH_LIMIT_PER_USER + 1):
        clock.shift(dt.timedelta(seconds=2))
        login_id = begin(client, app_user.username, password).json()["login_id"]
        answers.append(ask(client, login_id))

    assert [answer.status_code for answer in answers[:-1]] == [200] * conf.PUSH_LIMIT_PER_USER
    refused = answers[-1]
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_pushes"
    assert int(refused["Retry-After"]) > 0
    assert PushRequest.objects.filter(device__user=app_user).count() == conf.PUSH_LIMIT_PER_USER
    fallback = ask(client, login_id, fallback=True)
    assert fallback.status_code == 200
    assert fallback.json()["challenge_id"]
    assert limit_events(app_user).count() == 1
