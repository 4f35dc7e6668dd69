"""T8 (KB1018): the DSC+ PIN is changed in the portal after the card answers a challenge
with its current PIN; the keypad then wants the new PIN."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, AuditEventType, LoginFailure
from simulators.cards import CardError, card_respond
from tests.factories import DEFAULT_PASSWORD, DEFAULT_PIN, UserFactory
from tests.login_helpers import card_answer, full_login, is_logged_in

pytestmark = pytest.mark.django_db

URL = reverse("dsc_plus:pin_change")


@pytest.fixture
def holder(client):
    user = UserFactory(device="dsc_plus")
    assert full_login(client, user.username, DEFAULT_PASSWORD).status_code == 302
    return user


def pin_page(client):
    page = client.get(URL)
    assert page.status_code == 200
    return page.context["device"], page.context["challenge"]


def submit(client, device, challenge, response, pin="5678", again=None):
    return client.post(
        URL,
        {
            "device": device.pk,
            "challenge": challenge.pk,
            "response": response,
            "pin": pin,
            "pin_again": pin if again is None else again,
        },
    )


def test_T8_pin_changed_after_answering_with_the_old_pin(client, holder):
    device, challenge = pin_page(client)
    response = submit(client, device, challenge, card_answer(device, challenge.value))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:secure_login")
    serial = device.authenticator.serial
    with pytest.raises(CardError):
        card_respond(serial=serial, challenge="123456", pin=DEFAULT_PIN)
    assert card_respond(serial=serial, challenge="123456", pin="5678")
    assert AuditEvent.objects.filter(
        subject=holder, event_type=AuditEventType.DEVICE_PIN_CHANGED
    ).exists()


def test_T8_login_works_with_the_new_pin(client, holder):
    device, challenge = pin_page(client)
    submit(client, device, challenge, card_answer(device, challenge.value))
    client.post(reverse("accounts:logout"))
    page = client.post(
        reverse("accounts:login"), {"username": holder.username, "password": DEFAULT_PASSWORD}
    )
    assert page.status_code == 200
    login_challenge = page.context["challenge"]
    answered = client.post(
        reverse("devices:login_device"),
        {
            "device": device.pk,
            "challenge": login_challenge.pk,
            "response": card_answer(device, login_challenge.value, pin="5678"),
        },
    )
    assert answered.status_code == 302
    assert is_logged_in(client)


def test_T8_wrong_answer_changes_nothing_and_counts_as_a_failure(client, holder):
    device, challenge = pin_page(client)
    wrong = "00000000"
    page = submit(client, device, challenge, wrong)
    assert page.status_code == 200
    assert "not right" in page.content.decode()
    assert card_respond(serial=device.authenticator.serial, challenge="123456", pin=DEFAULT_PIN)
    assert LoginFailure.objects.filter(user=holder).count() == 1
    assert not AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_PIN_CHANGED).exists()


def test_T8_a_challenge_is_answered_once(client, holder):
    device, challenge = pin_page(client)
    answer = card_answer(device, challenge.value)
    submit(client, device, challenge, answer)
    replay = submit(client, device, challenge, answer, pin="1111")
    assert replay.status_code == 200
    assert card_respond(serial=device.authenticator.serial, challenge="123456", pin="5678")


@pytest.mark.parametrize(("pin", "again"), [("123", "123"), ("12345", "12345"), ("5678", "5679")])
def test_T8_bad_new_pin_is_refused_before_the_card_is_checked(client, holder, pin, again):
    device, challenge = pin_page(client)
    page = submit(client, device, challenge, card_answer(device, challenge.value), pin, again)
    assert page.status_code == 200 and page.context["errors"]
    assert card_respond(serial=device.authenticator.serial, challenge="123456", pin=DEFAULT_PIN)
    assert LoginFailure.objects.filter(user=holder).count() == 0


def test_T8_another_users_device_id_is_refused(client, holder):
    other = UserFactory(device="dsc_plus")
    other_device = other.securitydevice_set.get()
    _, challenge = pin_page(client)
    page = submit(client, other_device, challenge, "12345678")
    assert page.status_code == 200
    assert card_respond(serial=other_device.authenticator.serial, challenge="1", pin=DEFAULT_PIN)


def test_T8_ten_wrong_answers_lock_the_user_out(client, holder):
    for _ in range(10):
        device, challenge = pin_page(client)
        last = submit(client, device, challenge, "00000000")
    assert last.status_code == 302 and last["Location"].startswith(reverse("accounts:login"))
    assert not is_logged_in(client)


def test_T8_a_card_without_pin_has_nothing_to_change(client):
    user = UserFactory(device="scc")
    full_login(client, user.username, DEFAULT_PASSWORD)
    page = client.get(URL)
    assert page.status_code == 200 and "no active card with a PIN" in page.content.decode()
