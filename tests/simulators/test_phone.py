"""The phone simulator's pages: installing IBKR Mobile, activating it (K1, K3, K6), answering
notifications (K2), Authenticate (K2 fallback) and the SMS and voice inbox."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure, User
from devices.assurance import Action
from devices.crypto import secret_decrypt
from devices.flows.device_step import step_devices
from devices.gateways import sms_send, voice_call
from devices.gateways.locmem import sent
from devices.ib_key.push import push_create
from devices.models import PushRequest, SecurityDevice
from devices.ocra import ocra_response
from simulators.models import PhoneAppInstallation
from tests.devices.ib_key.app import device_response, shown_challenge
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import push_login_verify

pytestmark = pytest.mark.django_db

APP_PIN = "a1#b"


def install(client: Client, platform: str = "ios", os_version: str = "17.0", **flags) -> str:
    data = {"platform": platform, "os_version": os_version, **{k: "on" for k in flags}}
    response = client.post(reverse("phone:phones"), data)
    assert response.status_code == 302
    return PhoneAppInstallation.objects.latest("pk").installation_id


def app_url(installation_id: str, name: str = "app", *args) -> str:
    return reverse(f"phone:{name}", args=[installation_id, *args])


def start(client: Client, installation_id: str, user: User, password: str = DEFAULT_PASSWORD):
    """User name and password typed into the app."""
    data = {"username": user.username, "password": password}
    return client.post(app_url(installation_id, "activation_start"), data)


def answer(client: Client, installation_id: str, user: User, response: str | None = None):
    """The response of the user's security device, typed into the app (G2)."""
    device, challenge = shown_challenge(user)
    data = {
        "device": device.pk,
        "challenge": challenge.pk,
        "response": device_response(device, challenge, APP_PIN) if response is None else response,
    }
    return client.post(app_url(installation_id, "activation_answer"), data)


def give_number(client: Client, installation_id: str, number: str = "7400123456"):
    data = {"country": "GB", "national_number": number}
    return client.post(app_url(installation_id, "activation_number"), data)


def send_code(client: Client, installation_id: str, user: User, password: str = DEFAULT_PASSWORD):
    """Password, the device's answer when the user holds a permanent device, the number."""
    response = start(client, installation_id, user, password)
    if response.status_code != 302:
        return response
    if step_devices(user, Action.ACTIVATE_IB_KEY):
        assert answer(client, installation_id, user).status_code == 302
    return give_number(client, installation_id)


def enter_code(client: Client, installation_id: str, pin: str = APP_PIN, **extra):
    code = re.search(r"code: (\d+)", sent[-1].body).group(1)
    data = {"code": code, "pin": pin, **extra}
    return client.post(app_url(installation_id, "activation_finish"), data)


def activate(client: Client, installation_id: str, user: User, **extra) -> None:
    assert send_code(client, installation_id, user).status_code == 302
    assert enter_code(client, installation_id, **extra).status_code == 302


def form_errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]


def push_for(user: User) -> PushRequest:
    device = user.securitydevice_set.get(authenticator__kind="ib_key", confirmed=True)
    return push_create(device=device, attempt="attempt-1", client=SYSTEM)


@pytest.fixture
def phone(client) -> str:
    return install(client, biometrics=True)


@pytest.fixture
def active_user(client, phone) -> User:
    user = UserFactory()
    activate(client, phone, user, biometrics="on")
    return user


def test_K1_activation_through_the_app_pages(client, phone):
    user = UserFactory()

    start = send_code(client, phone, user)
    page = client.get(start["Location"])

    assert [message.to for message in sent] == ["+447400123456"]
    assert page.context["pending"].activation.phone_number == "+447400123456"
    assert b"inbox/?number=%2B447400123456" in page.content
    finish = enter_code(client, phone, biometrics="on")
    page = client.get(finish["Location"])
    assert [account.username for account in page.context["accounts"]] == [user.username]
    assert page.context["pending"] is None
    device = SecurityDevice.objects.get(user=user, authenticator__kind="ib_key")
    assert device.confirmed and device.authenticator.app_installation == phone


def test_K1_qr_code_page_prefills_the_user_name(client, phone):
    page = client.get(reverse("phone:activate"), {"username": "alice"})
    app = client.get(page.context["installations"][0][1])

    assert app.context["start_form"]["username"].value() == "alice"


def test_K1_qr_code_page_installs_a_new_phone(client):
    response = client.post(
        f"{reverse('phone:activate')}?username=alice", {"platform": "android", "os_version": "14"}
    )

    installation = PhoneAppInstallation.objects.get()
    assert response["Location"] == f"{app_url(installation.installation_id)}?username=alice"


@pytest.mark.parametrize("pin", ["12a", "12345a7", "12 4"])
def test_K1_pin_must_be_4_to_6_characters(client, phone, pin):
    send_code(client, phone, UserFactory())

    response = enter_code(client, phone, pin=pin)

    assert response.status_code == 200
    assert form_errors(response.context["finish_form"]) == [
        "The PIN must be 4 to 6 characters: letters, digits or special characters."
    ]
    assert not SecurityDevice.objects.filter(authenticator__kind="ib_key").exists()


@pytest.mark.parametrize("pin", ["1234", "Ab#12!"])
def test_K1_pin_of_letters_digits_and_specials_accepted(client, phone, pin):
    send_code(client, phone, UserFactory())

    assert enter_code(client, phone, pin=pin).status_code == 302


def test_K1_wrong_password_refused_on_the_page_and_counted(client, phone):
    user = UserFactory()

    response = send_code(client, phone, user, password="wrong")

    assert form_errors(response.context["start_form"]) == ["Invalid user name password combination"]
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert sent == []


@pytest.mark.parametrize(
    ("platform", "os_version", "flags", "reason"),
    [
        ("ios", "12.4", {}, "IB Key needs iOS 13 or later; this phone has 12.4."),
        ("android", "6.0", {}, "IB Key needs Android 7 or later; this phone has 6.0."),
        ("android", "13", {"rooted": True}, "IB Key does not run on a rooted Android phone."),
    ],
)
def test_K6_unsupported_phone_refused_with_the_reason(client, platform, os_version, flags, reason):
    installation_id = install(client, platform, os_version, **flags)

    response = send_code(client, installation_id, UserFactory())

    assert form_errors(response.context["start_form"]) == [reason]
    assert sent == []


def test_K1_biometrics_offered_only_on_a_phone_that_has_them(client):
    without = install(client)
    send_code(client, without, UserFactory())

    page = client.get(app_url(without))

    assert "biometrics" not in page.context["finish_form"].fields


def test_K3_add_user_of_another_person_refused_on_the_page(client, phone, active_user):
    relative = UserFactory(client=active_user.client, account=active_user.account)
    activate(client, phone, relative)
    send_code(client, phone, UserFactory())

    response = enter_code(client, phone)

    assert form_errors(response.context["finish_form"]) == [
        "Add user is only for users of the same person or entity."
    ]
    usernames = [account.username for account in response.context["accounts"]]
    assert usernames == sorted([active_user.username, relative.username])


def test_K3_add_user_asks_for_the_app_pin(client, phone, active_user):
    relative = UserFactory(client=active_user.client, account=active_user.account)
    send_code(client, phone, relative)

    response = enter_code(client, phone, pin="9999")

    assert form_errors(response.context["finish_form"]) == ["PIN incorrect."]


def test_K2_notification_shows_who_when_and_where(client, phone, active_user):
    push = push_for(active_user)

    page = client.get(app_url(phone))

    assert [shown for shown, _ in page.context["pushes"]] == [push]
    assert active_user.username.encode() in page.content


def _answer(client, phone, push, answer: str, number: str | None = None, pin: str = APP_PIN):
    data = {"number": push.number if number is None else number, "pin": pin, "answer": answer}
    return client.post(app_url(phone, "push", push.pk), data)


@pytest.mark.parametrize("answer", ["pin", "biometric"])
def test_K2_approval_on_the_phone_completes_the_login(client, phone, active_user, answer):
    push = push_for(active_user)

    response = _answer(client, phone, push, answer, pin=APP_PIN if answer == "pin" else "")

    assert response.status_code == 302
    push.refresh_from_db()
    assert push.status == PushRequest.Status.APPROVED and push.method == answer
    assert push_login_verify(user=active_user, push_id=push.pk, attempt="attempt-1", client=SYSTEM)


def test_K2_wrong_app_pin_sends_nothing(client, phone, active_user):
    push = push_for(active_user)

    response = _answer(client, phone, push, "pin", pin="0000")

    assert form_errors(response.context["answered"]) == ["PIN incorrect."]
    push.refresh_from_db()
    assert push.status == PushRequest.Status.PENDING


def test_K2_wrong_number_is_sent_and_denied(client, phone, active_user):
    push = push_for(active_user)
    wrong = "10" if push.number != "10" else "11"

    response = _answer(client, phone, push, "pin", number=wrong)

    assert "did not match" in str(list(response.wsgi_request._messages))
    push.refresh_from_db()
    assert push.status == PushRequest.Status.DENIED


def test_K2_not_logging_in_reports_fraud(client, phone, active_user):
    push = push_for(active_user)

    _answer(client, phone, push, "fraud", number="", pin="")

    push.refresh_from_db()
    assert push.fraud_reported and push.status == PushRequest.Status.DENIED
    assert AuditEvent.objects.filter(event_type=AuditEventType.PUSH_FRAUD_REPORTED).count() == 1


def test_K2_biometrics_not_offered_when_declined(client):
    installation_id = install(client, biometrics=True)
    user = UserFactory()
    activate(client, installation_id, user)
    push = push_for(user)

    response = _answer(client, installation_id, push, "biometric", pin="")

    assert form_errors(response.context["answered"]) == ["Biometrics are not enabled in this app."]
    assert b"Approve with biometrics" not in response.content


def test_K2_authenticate_shows_the_response(client, phone, active_user):
    account = PhoneAppInstallation.objects.get(installation_id=phone).accounts.get()
    data = {"account": account.pk, "pin": APP_PIN, "challenge": "87654321"}

    page = client.post(app_url(phone, "authenticate"), data)

    expected = ocra_response(
        suite=account.ocra_suite, key=secret_decrypt(account.ocra_secret), challenge="87654321"
    )
    assert page.context["display"] == expected
    assert f'data-testid="app-display">{expected}<'.encode() in page.content


def test_K2_authenticate_with_a_wrong_pin_shows_nothing(client, phone, active_user):
    account = PhoneAppInstallation.objects.get(installation_id=phone).accounts.get()
    data = {"account": account.pk, "pin": "0000", "challenge": "87654321"}

    page = client.post(app_url(phone, "authenticate"), data)

    assert page.context["display"] == ""
    assert form_errors(page.context["authenticate_form"]) == ["PIN incorrect."]


def test_inbox_lists_texts_and_calls_newest_first(client, settings):
    settings.SLS_MESSAGE_GATEWAY = "devices.gateways.outbox.OutboxGateway"
    sms_send(to="+447400123456", body="first")
    sms_send(to="+447400123456", body="second")
    voice_call(to="+447400123456", script="your code is 1 2 3")
    sms_send(to="+12015550123", body="someone else")

    page = client.get(reverse("phone:inbox"), {"number": "+447400123456"})

    assert [message.body for message in page.context["texts"]] == ["second", "first"]
    assert [message.body for message in page.context["calls"]] == ["your code is 1 2 3"]
    assert b"Text messages" in page.content and b"Voice calls" in page.content


@override_settings(SLS_SIMULATORS=False)
@pytest.mark.parametrize("name", ["phones", "inbox", "activate"])
def test_phone_simulator_absent_when_simulators_are_off(client, name):
    assert client.get(reverse(f"phone:{name}")).status_code == 404
