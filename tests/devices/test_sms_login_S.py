"""SMS login (S1): a fresh short-lived code per login by text message, single-use, with a
throttled resend; S2: a voice call reads the same code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import LoginFailure
from devices.gateways.locmem import sent
from tests.factories import UserFactory
from tests.login_helpers import device_page, is_logged_in, post_login

pytestmark = pytest.mark.django_db

DEVICE_URL = "devices:login_device"


@pytest.fixture
def sms_user(db):
    return UserFactory(device="sms")


def last_code(channel: str = "sms") -> str:
    message = [m for m in sent if m.channel == channel][-1]
    return "".join(re.findall(r"\d", message.body.split("code")[1]))[:6]


def answer(client, page, code):
    return client.post(
        reverse(DEVICE_URL),
        {
            "device": page.context["device"].pk,
            "challenge": page.context["challenge"].pk,
            "response": code,
        },
    )


def test_S1_each_login_texts_a_fresh_code(client, sms_user, password):
    post_login(client, sms_user.username, password)
    page = device_page(client)

    assert len(sent) == 1
    assert sent[0].channel == "sms"
    assert sent[0].to == sms_user.securitydevice_set.get().authenticator.phone_number
    assert "0123" in page.content.decode()
    assert answer(client, page, last_code()).status_code == 302
    assert is_logged_in(client)


def test_S1_a_reload_does_not_send_another_code(client, sms_user, password):
    post_login(client, sms_user.username, password)
    device_page(client)
    device_page(client)

    assert len(sent) == 1


def test_S1_code_is_single_use_and_wrong_code_counts(client, sms_user, password):
    post_login(client, sms_user.username, password)
    page = device_page(client)
    code = last_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    refused = answer(client, page, wrong)
    again = answer(client, page, code)

    assert b"Login failed" in refused.content
    assert b"no longer open" in again.content
    assert LoginFailure.objects.filter(user=sms_user).count() == 1
    assert not is_logged_in(client)


def test_S1_code_expires(client, sms_user, password):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        post_login(client, sms_user.username, password)
        page = device_page(client)
        clock.shift(dt.timedelta(minutes=3, seconds=1))

        response = answer(client, page, last_code())

    assert b"no longer open" in response.content
    assert not is_logged_in(client)


def test_S1_resend_sends_a_new_code_and_the_old_one_dies(client, sms_user, password):
    post_login(client, sms_user.username, password)
    device_page(client)
    old_code = last_code()

    page = client.post(reverse(DEVICE_URL), {"resend": "1"})

    assert len(sent) == 2
    assert b"We sent a new code" in page.content
    assert b"Login failed" in answer(client, page, old_code).content


def test_S1_resend_is_throttled(client, sms_user, password):
    post_login(client, sms_user.username, password)
    device_page(client)
    client.post(reverse(DEVICE_URL), {"resend": "1"})

    page = client.post(reverse(DEVICE_URL), {"resend": "1"})

    assert b"Please wait" in page.content
    assert len(sent) == 2


def test_S2_call_me_instead_reads_the_same_code(client, sms_user, password):
    post_login(client, sms_user.username, password)
    page = device_page(client)
    code = last_code()

    after_call = client.post(reverse(DEVICE_URL), {"call": "1"})

    call = sent[-1]
    assert call.channel == "voice"
    assert call.to == sent[0].to
    assert ", ".join(code) in call.body
    assert b"We are calling your phone" in after_call.content
    assert answer(client, page, code).status_code == 302


def test_S2_call_me_instead_after_the_code_expired_reads_no_dead_code(client, sms_user, password):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        post_login(client, sms_user.username, password)
        page = device_page(client)
        dead_code = last_code()
        clock.shift(dt.timedelta(minutes=3, seconds=1))

        after_call = client.post(reverse(DEVICE_URL), {"call": "1"})

        assert b"That code has expired" in after_call.content
        assert [m for m in sent if m.channel == "voice"] == []
        assert not any(", ".join(dead_code) in m.body for m in sent[1:])
        assert b"no longer open" in answer(client, page, dead_code).content
    assert not is_logged_in(client)


def test_S2_call_me_instead_after_a_resend_reads_the_new_code(client, sms_user, password):
    post_login(client, sms_user.username, password)
    device_page(client)
    page = client.post(reverse(DEVICE_URL), {"resend": "1"})
    new_code = last_code()

    with time_machine.travel(dt.timedelta(seconds=31)):
        client.post(reverse(DEVICE_URL), {"call": "1"})

    call = last_code("voice")
    assert call == new_code
    assert answer(client, page, new_code).status_code == 302
