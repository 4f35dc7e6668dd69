"""IB Key (K1–K7, D2) through its services, with the phone simulator playing the app."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure, User
from accounts.services.login import login_password_check
from devices.assurance import Action
from devices.crypto import secret_decrypt
from devices.flows.device_step import step_devices
from devices.gateways.locmem import sent
from devices.ib_key.activation import (
    ib_key_activation_answer,
    ib_key_activation_finish,
    ib_key_activation_number,
    ib_key_activation_start,
    ib_key_phone_check,
)
from devices.ib_key.push import (
    push_create,
    push_decide,
    push_pending_for_installation,
)
from devices.ib_key.services import approval_message
from devices.models import Authenticator, PushRequest, SecurityDevice
from devices.ocra import ocra_response
from simulators.models import PhoneAppAccount, PhoneAppInstallation
from simulators.phone import (
    AppError,
    app_activate,
    app_authenticate,
    app_sign,
    phone_install,
    push_answer,
)
from tests.devices.ib_key.app import device_response, shown_challenge
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import push_login_verify

pytestmark = pytest.mark.django_db

APP_PIN = "4x!9"
NUMBER = "+447400123456"


def new_phone(platform: str = "ios", os_version: str = "17.2", **fields) -> PhoneAppInstallation:
    return phone_install(
        platform=platform,
        os_version=os_version,
        rooted=fields.get("rooted", False),
        biometrics=fields.get("biometrics", True),
    )


def start(user: User, phone: PhoneAppInstallation, password: str = DEFAULT_PASSWORD) -> str:
    """Password, the device's answer (G2) when the user holds a permanent device, the
    number; the activation's token."""
    token = ib_key_activation_start(
        username=user.username,
        password=password,
        platform=phone.platform,
        os_version=phone.os_version,
        rooted=phone.rooted,
        client=SYSTEM,
    ).token
    if step_devices(user, Action.ACTIVATE_IB_KEY):
        device, challenge = shown_challenge(user)
        outcome = ib_key_activation_answer(
            token=token,
            device_id=device.pk,
            challenge_id=challenge.pk,
            response=device_response(device, challenge, APP_PIN),
            client=SYSTEM,
        )
        assert outcome.accepted
    ib_key_activation_number(token=token, country="GB", national_number="7400123456", client=SYSTEM)
    return token


def texted_code() -> str:
    return re.search(r"code: (\d+)", sent[-1].body).group(1)


def activate(user: User, phone: PhoneAppInstallation) -> PhoneAppAccount:
    """K1 as the app does it: password and number, the SMS code, the PIN."""
    token = start(user, phone)
    return app_activate(
        installation=phone,
        token=token,
        code=texted_code(),
        pin=APP_PIN,
        biometrics=True,
        client=SYSTEM,
    )


def ib_key_device(user: User) -> SecurityDevice:
    """The user's IB Key registration in use (older ones are retired, K4)."""
    return user.securitydevice_set.get(authenticator__kind="ib_key", confirmed=True)


def login_push(user: User, attempt: str = "attempt-1") -> PushRequest:
    return push_create(device=ib_key_device(user), attempt=attempt, client=SYSTEM)


def approve(phone: PhoneAppInstallation, push: PushRequest, number: str | None = None):
    return push_answer(
        installation=phone,
        push_id=push.pk,
        typed_number=push.number if number is None else number,
        decision="approve",
        method="pin",
        pin=APP_PIN,
        client=SYSTEM,
    )


@pytest.mark.parametrize(
    ("platform", "os_version", "rooted", "reason"),
    [
        ("ios", "12.5", False, "IB Key needs iOS 13 or later"),
        ("android", "6.0", False, "IB Key needs Android 7 or later"),
        ("android", "14", True, "IB Key does not run on a rooted Android phone."),
        ("ios", "beta", False, "The iOS version must be a number"),
        ("windows", "10", False, "IB Key runs on iOS and Android phones only."),
    ],
)
def test_K6_phone_refused_with_the_reason(platform, os_version, rooted, reason):
    with pytest.raises(ValidationError, match=reason):
        ib_key_phone_check(platform=platform, os_version=os_version, rooted=rooted)


@pytest.mark.parametrize(("platform", "os_version"), [("ios", "13"), ("android", "7.1")])
def test_K6_oldest_supported_versions_accepted(platform, os_version):
    ib_key_phone_check(platform=platform, os_version=os_version, rooted=False)


def test_K6_old_phone_gets_no_activation_code():
    with pytest.raises(ValidationError, match="Android 7 or later"):
        start(UserFactory(), new_phone("android", "6.0"))
    assert sent == []


def test_K1_activation_registers_the_app_key_and_texts_the_number():
    user, phone = UserFactory(), new_phone()

    account = activate(user, phone)

    assert [message.to for message in sent] == [NUMBER]
    device = ib_key_device(user)
    assert device.confirmed and device.authenticator.app_installation == phone.installation_id
    assert account.serial == device.authenticator.serial
    assert secret_decrypt(account.ocra_secret) == secret_decrypt(device.authenticator.secret)
    phone.refresh_from_db()
    assert phone.private_key and phone.pin_hash and APP_PIN not in phone.pin_hash


def test_K1_wrong_password_refused_and_counted():
    user = UserFactory()

    with pytest.raises(ValidationError, match="Invalid user name password combination"):
        start(user, new_phone(), password="wrong")

    assert LoginFailure.objects.filter(user=user).count() == 1
    assert sent == []


def test_K1_activation_code_is_single_use():
    user, phone = UserFactory(), new_phone()
    token = start(user, phone)
    code = texted_code()
    app_activate(
        installation=phone, token=token, code=code, pin=APP_PIN, biometrics=False, client=SYSTEM
    )

    with pytest.raises(ValidationError, match="ended or expired"):
        ib_key_activation_finish(
            token=token,
            code=code,
            installation_id=new_phone().installation_id,
            public_key_pem=ib_key_device(user).authenticator.public_key,
            client=SYSTEM,
        )


def test_K1_activation_code_expires_after_ten_minutes():
    user, phone = UserFactory(), new_phone()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = start(user, phone)
        traveller.shift(timedelta(minutes=10))
        with pytest.raises(ValidationError, match="expired"):
            app_activate(
                installation=phone,
                token=token,
                code=texted_code(),
                pin=APP_PIN,
                biometrics=False,
                client=SYSTEM,
            )
    phone.refresh_from_db()
    assert not phone.pin_hash and not phone.accounts.exists()


def test_K3_add_user_of_the_same_person_shares_the_installation():
    first = UserFactory()
    second = UserFactory(client=first.client, account=first.account)
    phone = new_phone()
    activate(first, phone)

    activate(second, phone)

    assert ib_key_device(first).authenticator == ib_key_device(second).authenticator
    assert sorted(phone.accounts.values_list("username", flat=True)) == sorted(
        [first.username, second.username]
    )


def test_K3_add_user_of_another_person_refused():
    phone = new_phone()
    activate(UserFactory(), phone)
    stranger = UserFactory()

    with pytest.raises(ValidationError, match="only for users of the same person"):
        activate(stranger, phone)

    assert not stranger.securitydevice_set.filter(authenticator__kind="ib_key").exists()
    assert not phone.accounts.filter(username=stranger.username).exists()


def test_K4_new_installation_retires_the_old():
    user, old_phone, new = UserFactory(), new_phone(), new_phone("android", "14")
    activate(user, old_phone)
    old_device = ib_key_device(user)

    activate(user, new)
    push = login_push(user)

    old_device.refresh_from_db()
    assert old_device.confirmed is False
    assert push_pending_for_installation(old_phone.installation_id) == []
    assert push_pending_for_installation(new.installation_id) == [push]


def test_K4_a_move_to_a_new_phone_retires_that_users_registration_only():
    """K3, K4: the co-user added with "Add user" keeps the old phone, and a user of another
    phone keeps theirs; pushes still reach both."""
    mover = UserFactory()
    co_user = UserFactory(client=mover.client, account=mover.account)
    shared_phone, other_phone = new_phone(), new_phone()
    activate(mover, shared_phone)
    activate(co_user, shared_phone)
    co_user_device = ib_key_device(co_user)
    other = UserFactory()
    activate(other, other_phone)
    other_device = ib_key_device(other)

    activate(mover, new_phone("android", "14"))

    for device in (co_user_device, other_device):
        device.refresh_from_db()
        assert device.confirmed is True
        assert device.authenticator.state == Authenticator.State.ACTIVE
    assert ib_key_device(mover).authenticator.app_installation != shared_phone.installation_id
    co_user_push = login_push(co_user, attempt="co-user")
    other_push = login_push(other, attempt="other")
    assert push_pending_for_installation(shared_phone.installation_id) == [co_user_push]
    assert push_pending_for_installation(other_phone.installation_id) == [other_push]
    assert approve(shared_phone, co_user_push).status == PushRequest.Status.APPROVED


def test_K7_activation_retires_only_the_applicants_sms_device():
    applicant, bystander = UserFactory(device=False), UserFactory(device=False)
    for user in (applicant, bystander):
        sms = Authenticator.objects.create(
            kind="sms",
            serial=f"SMS-{user.username}",
            phone_number=NUMBER,
            state=Authenticator.State.ACTIVE,
        )
        SecurityDevice.objects.create(user=user, authenticator=sms, name="SMS", confirmed=True)

    activate(applicant, new_phone())

    states = dict(
        Authenticator.objects.filter(kind="sms").values_list("serial", "state"),
    )
    assert states == {
        f"SMS-{applicant.username}": Authenticator.State.REVOKED,
        f"SMS-{bystander.username}": Authenticator.State.ACTIVE,
    }


def test_K7_activation_revokes_the_temporary_sms_device():
    user = UserFactory(device=False)
    sms = Authenticator.objects.create(
        kind="sms", serial="SMS-K7", phone_number=NUMBER, state=Authenticator.State.ACTIVE
    )
    SecurityDevice.objects.create(user=user, authenticator=sms, name="SMS", confirmed=True)

    activate(user, new_phone())

    sms.refresh_from_db()
    assert sms.state == Authenticator.State.REVOKED


def test_K2_approval_completes_the_login_once():
    user, phone = UserFactory(), new_phone()
    activate(user, phone)
    push = login_push(user)

    decided = approve(phone, push)

    assert decided.status == PushRequest.Status.APPROVED and decided.method == "pin"
    assert push_login_verify(user=user, push_id=push.pk, attempt="attempt-1", client=SYSTEM)
    assert push_login_verify(user=user, push_id=push.pk, attempt="attempt-1", client=SYSTEM) is None


def test_G6_L3_an_approved_push_cannot_complete_a_login_once_the_user_is_locked():
    """A push approved on the phone is no way around a lock that started after it was sent."""
    user, phone = UserFactory(), new_phone()
    activate(user, phone)
    push = login_push(user)
    approve(phone, push)
    for _ in range(10):
        login_password_check(username=user.username, password="wrong", client=SYSTEM)

    assert push_login_verify(user=user, push_id=push.pk, attempt="attempt-1") is None
    user.refresh_from_db()
    assert user.locked_at is not None
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.LOGIN_REFUSED_LOCKED, detail__reason="locked"
    ).exists()


def test_K2_wrong_number_denies_the_request():
    user, phone = UserFactory(), new_phone()
    activate(user, phone)
    push = login_push(user)
    wrong = f"{(int(push.number) + 1) % 90 + 10}"

    decided = approve(phone, push, number=wrong)

    assert decided.status == PushRequest.Status.DENIED
    assert push_login_verify(user=user, push_id=push.pk, attempt="attempt-1", client=SYSTEM) is None


def test_K2_wrong_app_pin_sends_nothing():
    user, phone = UserFactory(), new_phone()
    activate(user, phone)
    push = login_push(user)

    with pytest.raises(AppError, match="PIN incorrect"):
        push_answer(
            installation=phone,
            push_id=push.pk,
            typed_number=push.number,
            decision="approve",
            method="pin",
            pin="0000",
            client=SYSTEM,
        )

    push.refresh_from_db()
    assert push.status == PushRequest.Status.PENDING


def test_K2_fraud_report_is_audited():
    user, phone = UserFactory(), new_phone()
    activate(user, phone)
    push = login_push(user)

    decided = push_answer(
        installation=phone,
        push_id=push.pk,
        typed_number="",
        decision="fraud",
        method="",
        pin="",
        client=SYSTEM,
    )

    assert decided.status == PushRequest.Status.DENIED and decided.fraud_reported
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.PUSH_FRAUD_REPORTED, subject=user
    ).exists()


def _decide(phone, push, signature: str, push_id: int | None = None):
    return push_decide(
        push_id=push.pk if push_id is None else push_id,
        installation_id=phone.installation_id,
        typed_number=push.number,
        decision="approve",
        method="pin",
        signature=signature,
        client=SYSTEM,
    )


def _signed(phone, push, **changes) -> str:
    fields = {"push_id": push.pk, "number": push.number, "decision": "approve", **changes}
    return app_sign(installation=phone, message=approval_message(**fields))


def _tampered(signature: str) -> str:
    raw = bytearray(base64.b64decode(signature))
    raw[-1] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    ("forge", "error"),
    [
        (lambda phone, push: _tampered(_signed(phone, push)), "signature does not match"),
        (lambda phone, push: _signed(phone, push, decision="deny"), "signature does not match"),
        (lambda phone, push: _signed(phone, push, push_id=push.pk + 1), "does not match"),
        (lambda phone, push: "not base64!", "signature does not match"),
    ],
    ids=["tampered", "other-decision", "other-request", "garbage"],
)
def test_D2_forged_approval_refused_and_nothing_changes(forge, error):
    user, phone = UserFactory(), new_phone()
    activate(user, phone)
    push = login_push(user)

    with pytest.raises(ValidationError, match=error):
        _decide(phone, push, forge(phone, push))

    push.refresh_from_db()
    assert push.status == PushRequest.Status.PENDING and push.signature == ""


def test_D2_another_installations_push_refused():
    user, phone = UserFactory(), new_phone()
    activate(user, phone)
    push = login_push(user)
    other_phone = new_phone()
    activate(UserFactory(), other_phone)

    with pytest.raises(ValidationError, match="no such request for this app"):
        _decide(other_phone, push, _signed(other_phone, push))

    push.refresh_from_db()
    assert push.status == PushRequest.Status.PENDING


def test_D2_expired_request_refused():
    user, phone = UserFactory(), new_phone()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        activate(user, phone)
        push = login_push(user)
        traveller.shift(timedelta(minutes=2, seconds=1))

        with pytest.raises(ValidationError, match="expired"):
            approve(phone, push)

        assert push_pending_for_installation(phone.installation_id) == []
    push.refresh_from_db()
    assert push.status == PushRequest.Status.PENDING


def test_K2_authenticate_gives_the_ocra_response_after_the_app_pin():
    user, phone = UserFactory(), new_phone()
    account = activate(user, phone)
    authenticator = ib_key_device(user).authenticator

    response = app_authenticate(account=account, pin=APP_PIN, challenge="12345678")

    assert response == ocra_response(
        suite=authenticator.ocra_suite,
        key=secret_decrypt(authenticator.secret),
        challenge="12345678",
    )
    with pytest.raises(AppError, match="PIN incorrect"):
        app_authenticate(account=account, pin="9999", challenge="12345678")
