"""Throttles beyond the login page (issue 8): the IB Key app's password step and the device
owner's password in the share wizard share the login's password budget; codes typed or
sent, and the DSC+ early activation, count per user and per address as activation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import conf
from accounts.models import AuditEvent, AuditEventType
from tests.devices.sharing.helpers import logged_in, owner_step
from tests.factories import UserFactory
from tests.login_helpers import post_login
from tests.simulators.test_phone import APP_PIN, install, send_code

pytestmark = pytest.mark.django_db

NAME_LIMIT, WINDOW = conf.THROTTLE_LIMITS["password_user"]


def test_throttle_ib_key_activation_shares_the_password_budget(client, user):
    phone = install(client)
    for _ in range(NAME_LIMIT):
        post_login(client, user.username, "wrong-password")

    response = send_code(client, phone, user)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= WINDOW
    assert b"Too many attempts." in response.content


def test_throttle_ib_key_activation_code_per_user(client, settings):
    # The number step (which texts the code) counts as one activation attempt too.
    settings.SLS_THROTTLE_LIMITS = {"activation_user": (3, WINDOW)}
    user = UserFactory(device=False, client__mobile_number="+447400123456")
    phone = install(client)
    assert send_code(client, phone, user).status_code == 302

    finish = reverse("phone:activation_finish", args=[phone])
    wrong = {"code": "000000", "pin": APP_PIN}
    statuses = [client.post(finish, wrong).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    event = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_FAILED).first()
    assert event.subject == user
    assert event.detail["step"] == "activation"


def test_throttle_enrolment_codes_per_user(client, settings, password):
    settings.SLS_THROTTLE_LIMITS = {"activation_user": (2, WINDOW)}
    applicant = UserFactory(device=False, client__mobile_number="+447400123456")
    post_login(client, applicant.username, password)
    confirm = reverse("enrolment:confirm")
    start = reverse("enrolment:start")
    client.post(start, {"country": "GB", "national_number": "7400123456"})

    statuses = [client.post(confirm, {"code": "000000"}).status_code for _ in range(2)]

    assert statuses == [200, 429]


def test_throttle_share_owner_password_counts_with_the_login(client):
    requester = UserFactory(device="scc")
    owner = UserFactory(client=requester.client, device="dsc_plus")
    browser = logged_in(requester)
    for _ in range(NAME_LIMIT):
        post_login(client, owner.username, "wrong-password")

    response = owner_step(browser, owner.username)

    assert response.status_code == 429
    assert response["Retry-After"]
