"""Replay of issue #13's attack on IB Key activation (G2, K1): the attacker installs the
app on their own phone, types the victim's user name and password and their own mobile
number. Before, the code reached the attacker's inbox and their app logged in as the
victim. Now the server asks the victim's permanent device first; without its answer no
number is accepted, nothing is texted, nothing is registered, and the refusal is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, AuditEventType
from devices.gateways.locmem import sent
from devices.models import IbKeyActivation, SecurityDevice
from tests.devices.ib_key.app import shown_challenge
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.simulators.test_phone import APP_PIN, app_url, install

pytestmark = pytest.mark.django_db

ATTACKER_NUMBER = "7400666777"


def _attack(client, victim):
    """The attack as issue #13 describes it, through the phone simulator's pages."""
    phone = install(client)
    client.post(
        app_url(phone, "activation_start"),
        {"username": victim.username, "password": DEFAULT_PASSWORD},
    )
    number = client.post(
        app_url(phone, "activation_number"),
        {"country": "GB", "national_number": ATTACKER_NUMBER},
    )
    finish = client.post(app_url(phone, "activation_finish"), {"code": "000000", "pin": APP_PIN})
    return phone, number, finish


def _refusals(victim):
    return AuditEvent.objects.filter(
        event_type=AuditEventType.ACTIVATION_REFUSED, subject=victim
    ).values_list("detail", flat=True)


def test_G2_K1_stolen_password_and_attackers_number_activate_nothing_for_a_superuser(client):
    victim = UserFactory(device="scc", is_superuser=True, is_staff=True)

    phone, number, _ = _attack(client, victim)

    assert number.status_code == 200
    assert "Answer your security device first." in number.content.decode()
    assert not [message for message in sent if message.to == "+44" + ATTACKER_NUMBER]
    assert not SecurityDevice.objects.filter(user=victim, authenticator__kind="ib_key").exists()
    assert not client.get(reverse("phone:app", args=[phone])).context["accounts"]
    assert [detail["reason"] for detail in _refusals(victim)] == ["device_not_answered"]
    device, challenge = shown_challenge(victim)
    assert device.authenticator.kind == "scc" and challenge is not None


def test_G2_K1_a_guessed_device_answer_is_refused_counted_and_gives_no_number(client):
    victim = UserFactory()
    phone = install(client)
    client.post(
        app_url(phone, "activation_start"),
        {"username": victim.username, "password": DEFAULT_PASSWORD},
    )
    device, challenge = shown_challenge(victim)

    client.post(
        app_url(phone, "activation_answer"),
        {"device": device.pk, "challenge": challenge.pk, "response": "00000000"},
    )
    number = client.post(
        app_url(phone, "activation_number"),
        {"country": "GB", "national_number": ATTACKER_NUMBER},
    )

    assert "Answer your security device first." in number.content.decode()
    failed = AuditEvent.objects.get(event_type=AuditEventType.LOGIN_FAILED, subject=victim)
    assert failed.detail["step"] == "activate_ib_key"
    assert IbKeyActivation.objects.get(user=victim).stage == IbKeyActivation.Stage.ANSWER
    assert sent == []


def test_G2_K1_without_a_permanent_device_the_attackers_number_is_refused(client):
    victim = UserFactory(device=False, client__mobile_number="+447400123456")

    phone, number, finish = _attack(client, victim)

    assert number.status_code == 200
    assert "mobile number on record" in number.content.decode()
    assert sent == []
    assert not SecurityDevice.objects.filter(user=victim).exists()
    assert [detail["reason"] for detail in _refusals(victim)] == ["number_not_on_record"]
