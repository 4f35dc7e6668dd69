"""L6: a user whose account opted out of SLS logs in on the trading channel with user name
and password alone; the portal still asks for the device."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import AuditEvent, AuditEventType, LoginFailure
from tests.factories import UserFactory
from tests.login_helpers import post_login
from tests.trading.api import begin, get, post, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def opted_out(db):
    user = UserFactory()
    user.account.sls_opted_out = True
    user.account.save(update_fields=["sls_opted_out"])
    return user


def test_L6_opted_out_user_logs_in_with_password_alone(client, opted_out, password):
    response = begin(client, opted_out.username, password)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "authenticated"
    assert body["session"]["device"] is None
    assert body["session"]["approval_method"] == "password"
    assert "trade_pink_sheet_otcbb" not in body["session"]["allows"]
    assert get(client, "/me", body["token"]).status_code == 200
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_SUCCEEDED).count() == 1


def test_L6_portal_still_requires_the_device(client, opted_out, password):
    response = post_login(client, opted_out.username, password)

    assert response.status_code == 200
    assert response.context["challenge"].device.user == opted_out


def test_L6_enrolled_user_needs_the_device(client, password):
    user = UserFactory()

    body = begin(client, user.username, password).json()

    assert body["status"] == "second_factor_required"
    assert body["token"] is None
    assert [device["kind"] for device in body["devices"]] == ["dsc_plus"]


def test_L6_wrong_password_is_refused_and_counted(client, opted_out):
    response = begin(client, opted_out.username, "wrong-password")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"
    assert LoginFailure.objects.filter(user=opted_out).count() == 1


def test_L6_O2_session_ends_when_the_account_opts_back_in(client, opted_out, password):
    token = token_of(begin(client, opted_out.username, password))
    opted_out.account.sls_opted_out = False
    opted_out.account.save(update_fields=["sls_opted_out"])

    response = get(client, "/me", token)

    assert response.status_code == 401
    assert response.json()["error"] == "sls_required"


def test_L6_K5_password_session_is_extended_with_the_password(client, clock, opted_out, password):
    token = token_of(begin(client, opted_out.username, password))
    clock.shift(dt.timedelta(hours=11))

    assert post(client, "/session/reauthenticate", {}, token).status_code == 409
    assert post(client, "/session/extend", {"password": "nope"}, token).status_code == 401
    assert post(client, "/session/extend", {"password": password}, token).status_code == 200

    clock.shift(dt.timedelta(hours=11, minutes=59))
    assert get(client, "/me", token).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert get(client, "/me", token).status_code == 401
