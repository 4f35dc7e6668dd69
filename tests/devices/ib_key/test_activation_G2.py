"""G2 (protecting K1 and E1): the password alone never adds a second factor. IB Key
activation needs the answer of a permanent device before a new number; without one, and
for a new applicant's enrolment, only a mobile number on record; every new device or number
sends a security e-mail to the address on record."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices import conf
from devices.gateways.locmem import sent
from devices.ib_key.activation import (
    ib_key_activation_answer,
    ib_key_activation_choose,
    ib_key_activation_finish,
    ib_key_activation_number,
    ib_key_activation_start,
)
from devices.models import Authenticator, IbKeyActivation, SecurityDevice
from devices.services.on_record import numbers_on_record
from simulators.phone import app_activate, phone_install
from tests.devices.ib_key.app import device_response, shown_challenge
from tests.factories import DEFAULT_PASSWORD, UserFactory, give_device
from tests.login_helpers import post_login

pytestmark = pytest.mark.django_db

ON_RECORD = "+447400123456"
ATTACKER = "7400666777"
APP_PIN = "4x!9"


def phone():
    return phone_install(platform="ios", os_version="17.2", rooted=False, biometrics=False)


def start(user, installation=None) -> str:
    installation = installation or phone()
    return ib_key_activation_start(
        username=user.username,
        password=DEFAULT_PASSWORD,
        platform=installation.platform,
        os_version=installation.os_version,
        rooted=False,
        client=SYSTEM,
    ).token


def answer(token, user, response=None):
    device, challenge = shown_challenge(user)
    return ib_key_activation_answer(
        token=token,
        device_id=device.pk,
        challenge_id=challenge.pk,
        response=device_response(device, challenge) if response is None else response,
        client=SYSTEM,
    )


def number(token, national_number):
    return ib_key_activation_number(
        token=token, country="GB", national_number=national_number, client=SYSTEM
    )


def finish(token, installation):
    code = re.search(r"code: (\d+)", sent[-1].body).group(1)
    return app_activate(
        installation=installation,
        token=token,
        code=code,
        pin=APP_PIN,
        biometrics=False,
        client=SYSTEM,
    )


def refusal_reasons(user) -> list[str]:
    return [
        event.detail["reason"]
        for event in AuditEvent.objects.filter(
            event_type=AuditEventType.ACTIVATION_REFUSED, subject=user
        )
    ]


def test_G2_K1_password_alone_cannot_activate_ib_key():
    user = UserFactory(device="scc")
    token = start(user)

    with pytest.raises(ValidationError, match="Answer your security device first"):
        number(token, ATTACKER)
    with pytest.raises(ValidationError, match="not the one this activation is at"):
        ib_key_activation_finish(
            token=token, code="000000", installation_id="x", public_key_pem="", client=SYSTEM
        )

    assert sent == []
    assert not SecurityDevice.objects.filter(user=user, authenticator__kind="ib_key").exists()
    assert refusal_reasons(user) == ["device_not_answered"]


def test_G2_K1_wrong_device_answer_counts_and_opens_nothing():
    user = UserFactory()
    token = start(user)

    outcome = answer(token, user, response="00000000")

    assert not outcome.accepted
    failed = AuditEvent.objects.get(event_type=AuditEventType.LOGIN_FAILED, subject=user)
    assert failed.detail["step"] == "activate_ib_key"
    assert IbKeyActivation.objects.get(user=user).stage == IbKeyActivation.Stage.ANSWER
    assert shown_challenge(user)[1] is not None  # a new challenge to answer
    with pytest.raises(ValidationError):
        number(token, ATTACKER)


def test_G2_K1_permanent_device_answer_allows_a_new_number():
    user = UserFactory()
    installation = phone()
    token = start(user, installation)

    assert answer(token, user).accepted
    number(token, ATTACKER)
    account = finish(token, installation)

    assert [message.to for message in sent] == ["+44" + ATTACKER]
    assert account.username == user.username
    activation = IbKeyActivation.objects.get(user=user)
    assert (
        activation.used_at is not None and activation.answered_by.authenticator.kind == "dsc_plus"
    )


def test_G2_K1_the_strongest_device_is_asked_and_another_may_be_picked():
    user = UserFactory(device="scc")
    card = give_device(user, "dsc_plus")
    scc = SecurityDevice.objects.get(user=user, authenticator__kind="scc")
    token = start(user)
    assert shown_challenge(user)[0] == card

    ib_key_activation_choose(token=token, device_id=scc.pk, client=SYSTEM)

    assert shown_challenge(user)[0] == scc
    assert answer(token, user).accepted


def test_G2_K1_without_permanent_device_only_a_number_on_record():
    user = UserFactory(device="temporary_passcode", client__mobile_number=ON_RECORD)
    installation = phone()
    token = start(user, installation)
    assert IbKeyActivation.objects.get(user=user).stage == IbKeyActivation.Stage.NUMBER

    with pytest.raises(ValidationError, match="number on record"):
        number(token, ATTACKER)
    assert sent == []
    assert refusal_reasons(user) == ["number_not_on_record"]

    number(token, ON_RECORD[3:])
    finish(token, installation)
    assert SecurityDevice.objects.filter(user=user, authenticator__kind="ib_key").exists()


def test_G2_K1_without_device_or_number_on_record_the_user_is_told_to_call_client_services():
    user = UserFactory(device=False)

    with pytest.raises(ValidationError, match="call Client Services"):
        start(user)

    assert not IbKeyActivation.objects.exists()
    assert refusal_reasons(user) == ["no_number_on_record"]


def test_G2_a_lost_sms_phone_is_no_number_on_record():
    user = UserFactory(device=False)
    sms = Authenticator.objects.create(
        kind="sms", serial="SMS-LOST", phone_number=ON_RECORD, state=Authenticator.State.LOST
    )
    SecurityDevice.objects.create(user=user, authenticator=sms, name="SMS", confirmed=True)

    assert numbers_on_record(user) == []


def test_G2_K1_pending_activation_is_single_use():
    user = UserFactory()
    installation = phone()
    token = start(user, installation)
    answer(token, user)
    number(token, ATTACKER)
    finish(token, installation)

    with pytest.raises(ValidationError, match="ended or expired"):
        number(token, ATTACKER)


def test_G2_K1_pending_activation_expires():
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = start(user)
        device, challenge = shown_challenge(user)
        traveller.shift(conf.IB_KEY_ACTIVATION_TTL + timedelta(seconds=1))
        with pytest.raises(ValidationError, match="ended or expired"):
            ib_key_activation_answer(
                token=token,
                device_id=device.pk,
                challenge_id=challenge.pk,
                response=device_response(device, challenge),
                client=SYSTEM,
            )


def test_G2_K1_a_new_start_ends_the_earlier_activation():
    user = UserFactory()
    first = start(user)
    start(user)

    with pytest.raises(ValidationError, match="ended or expired"):
        number(first, ATTACKER)


@pytest.fixture
def applicant_client(client, db):
    applicant = UserFactory(device=False, client__mobile_number=ON_RECORD)
    post_login(client, applicant.username, DEFAULT_PASSWORD)
    client.applicant = applicant
    return client


def test_G2_E1_applicant_only_number_on_record(applicant_client):
    applicant = applicant_client.applicant

    response = applicant_client.post(
        reverse("enrolment:start"), {"country": "GB", "national_number": ATTACKER}
    )

    assert response.status_code == 200
    assert "mobile number on record" in response.content.decode()
    assert sent == []
    assert refusal_reasons(applicant) == ["number_not_on_record"]
    ok = applicant_client.post(
        reverse("enrolment:start"), {"country": "GB", "national_number": ON_RECORD[3:]}
    )
    assert ok.url == reverse("enrolment:confirm")
    assert [message.to for message in sent] == [ON_RECORD]


def test_G2_E1_applicant_without_a_number_on_record_is_told_to_call_client_services(client):
    applicant = UserFactory(device=False)
    post_login(client, applicant.username, DEFAULT_PASSWORD)

    page = client.get(reverse("enrolment:start"))
    posted = client.post(reverse("enrolment:start"), {"country": "GB", "national_number": ATTACKER})

    assert b'data-testid="no-number-on-record"' in page.content
    assert b"Please call Client Services" in page.content
    assert b'name="national_number"' not in page.content
    assert posted.status_code == 200 and sent == []
    assert refusal_reasons(applicant) == ["no_number_on_record"]


def test_G2_security_email_on_new_device_ib_key_registration(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(client__email="owner@example.com")
    installation = phone()
    token = start(user, installation)
    answer(token, user)
    number(token, ATTACKER)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        finish(token, installation)

    assert [message.to for message in mail.outbox] == [["owner@example.com"]]
    assert "security device was added" in mail.outbox[0].subject


def test_G2_security_email_on_new_device_sms_enrolment(client, django_capture_on_commit_callbacks):
    applicant = UserFactory(
        device=False, client__mobile_number=ON_RECORD, client__email="new@example.com"
    )
    post_login(client, applicant.username, DEFAULT_PASSWORD)
    client.post(reverse("enrolment:start"), {"country": "GB", "national_number": ON_RECORD[3:]})
    code = re.search(r"\b(\d{6})\b", sent[-1].body).group(1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enrolment:confirm"), {"code": code})

    assert SecurityDevice.objects.filter(user=applicant, authenticator__kind="sms").exists()
    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert "security device was added" in mail.outbox[0].subject
