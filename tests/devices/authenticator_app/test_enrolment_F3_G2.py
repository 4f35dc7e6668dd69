"""Adding an authenticator app (F3, G2): from the Secure Login System page, a name and a
fresh answer from a permanent device, then a QR code of a new secret and the app's first
code; the new device is audited and the user told. Refused without a permanent device, on
a wrong or late code, and on bad input, with nothing created."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure, Notice
from devices.authenticator_app.services import (
    CODE_MALFORMED,
    ENROLMENT_OVER,
    NAME_REQUIRED,
    WRONG_CODE,
)
from devices.authenticator_app.views import SESSION_KEY
from devices.crypto import secret_decrypt
from devices.kinds.one_time_code import TOTP_STEP_SECONDS
from devices.models import Authenticator, AuthenticatorAppEnrolment, SecurityDevice
from devices.services.device_names import NAME_CHARACTERS, NAME_TAKEN, NAME_TOO_LONG
from devices.temporary.services import device_report
from tests.accounts.sls_helpers import logged_in
from tests.devices.authenticator_app.helpers import (
    CONFIRM,
    START,
    STEP,
    app_code,
    codes_near,
    confirm,
    enrol,
    shown_secret,
    start,
    wrong_code,
)
from tests.devices.temporary.helpers import login_with, passcode_give
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SECURE_LOGIN = reverse("accounts:secure_login")
NOW = dt.datetime(2026, 7, 1, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def holder(db):
    """A client's user with a DSC+ and an e-mail address on record."""
    return UserFactory(email="holder@example.com")


@pytest.fixture
def browser(holder):
    return logged_in(holder)


def apps():
    return Authenticator.objects.filter(kind="authenticator_app")


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


def test_F3_G2_secure_login_page_links_to_adding_an_app(browser):
    page = browser.get(SECURE_LOGIN)

    assert f'href="{START}"'.encode() in page.content
    assert b"Add an authenticator app" in page.content


def test_F3_G2_app_is_added_by_qr_code_and_first_code(
    browser, holder, clock, django_capture_on_commit_callbacks
):
    page = browser.get(START)
    assert page.status_code == 200 and page.context["fresh_factor"]["device"].user == holder

    assert start(browser, "Work phone").url == CONFIRM
    qr_page = browser.get(CONFIRM)
    secret = "".join(qr_page.context["pending"].secret_groups)
    uri = urlparse(qr_page.context["pending"].uri)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(browser, app_code(secret))

    assert b"<svg" in qr_page.content and b'data-testid="app-qr"' in qr_page.content
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/SLS Portal:{holder.username}"
    assert parse_qs(uri.query)["issuer"] == ["SLS Portal"]
    assert parse_qs(uri.query)["secret"] == [secret]
    assert len(base64.b32decode(secret)) == 20
    assert response.status_code == 302 and response.url == SECURE_LOGIN
    device = SecurityDevice.objects.get(user=holder, authenticator__kind="authenticator_app")
    app = device.authenticator
    assert (device.name, device.confirmed) == ("Work phone", True)
    assert app.state == Authenticator.State.ACTIVE and app.activated_at == NOW
    assert app.serial.startswith("APP-")
    assert secret not in app.secret and secret_decrypt(app.secret) == base64.b32decode(secret)
    assert app.last_used_step == int(NOW.timestamp()) // TOTP_STEP_SECONDS
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_REGISTERED)
    assert (event.subject, event.actor) == (holder, holder)
    assert event.detail == {"kind": "authenticator_app", "serial": app.serial, "name": "Work phone"}
    notice = Notice.objects.get(user=holder)
    assert notice.subject == "Authenticator app added to your user" and app.serial in notice.body
    assert secret not in notice.body
    assert [message.to for message in mail.outbox] == [["holder@example.com"]]
    assert "Work phone" in mail.outbox[0].body and secret not in mail.outbox[0].body
    enrolment = AuthenticatorAppEnrolment.objects.get()
    assert (enrolment.used_at, enrolment.secret) == (NOW, "")
    assert SESSION_KEY not in browser.session
    assert any("Work phone" in str(m) for m in get_messages(response.wsgi_request))
    assert app.serial.encode() in browser.get(SECURE_LOGIN).content


def test_F3_several_apps_per_user(browser, holder, clock):
    first, _ = enrol(browser, holder, "Phone")
    clock.shift(STEP)
    second, _ = enrol(browser, holder, "Tablet")

    assert first.authenticator != second.authenticator
    assert apps().count() == 2


def test_F3_a_name_already_used_by_the_user_is_refused_before_the_answer(browser, holder, clock):
    enrol(browser, holder, "Phone")

    response = start(browser, "phone")

    assert errors_of(response, "name") == [NAME_TAKEN]
    assert not LoginFailure.objects.exists()
    assert apps().count() == 1


def test_G2_wrong_fresh_answer_opens_no_enrolment_and_counts(browser, holder):
    response = start(browser, right=False)

    assert response.status_code == 200
    assert response.context["fresh_factor"]["failed"]
    assert not AuthenticatorAppEnrolment.objects.exists()
    assert LoginFailure.objects.filter(user=holder).count() == 1
    assert browser.get(CONFIRM).url == START


def test_G2_user_without_a_permanent_device_is_refused(client, holder, support_agent):
    """The DSC+ reported lost, logged in with a temporary passcode: a passcode may not
    approve a new device (G2, T2)."""
    card = holder.securitydevice_set.get().authenticator
    device_report(authenticator=card, state="lost", agent=support_agent, client=SYSTEM)
    code = passcode_give(holder, support_agent, reason="lost")
    login = login_with(client, holder, DEFAULT_PASSWORD, "temporary_passcode", code)
    assert login.status_code == 302

    page = client.get(START)
    posted = client.post(START, {"name": "My phone"})

    assert page.status_code == posted.status_code == 403
    assert b"none of yours is active" in page.content
    assert not AuthenticatorAppEnrolment.objects.exists()
    refusal = AuditEvent.objects.get(event_type=AuditEventType.ACTIVATION_REFUSED)
    assert refusal.detail == {"step": "add_authenticator_app", "reason": "no_permanent_device"}


def test_F3_wrong_first_code_creates_nothing_and_the_right_one_still_works(browser, holder, clock):
    start(browser)
    secret = shown_secret(browser)
    right = app_code(secret)

    refused = confirm(browser, wrong_code(secret))

    assert refused.status_code == 200
    assert errors_of(refused, "code") == [WRONG_CODE]
    assert not apps().exists() and not SecurityDevice.objects.filter(name="My phone").exists()
    assert not LoginFailure.objects.exists()
    assert confirm(browser, right).url == SECURE_LOGIN
    assert apps().count() == 1


def test_F3_code_of_another_secret_is_refused(browser, clock):
    start(browser)
    near = codes_near(shown_secret(browser))
    other = next(key for key in iter(pyotp.random_base32, None) if app_code(key) not in near)

    response = confirm(browser, app_code(other))

    assert errors_of(response, "code") == [WRONG_CODE]
    assert not apps().exists()


def test_F3_pending_enrolment_expires_after_ten_minutes(browser, clock):
    start(browser)
    secret = shown_secret(browser)
    clock.shift(dt.timedelta(minutes=10))

    response = confirm(browser, app_code(secret))

    assert response.status_code == 302 and response.url == START
    assert [str(m) for m in get_messages(response.wsgi_request)] == [ENROLMENT_OVER]
    assert not apps().exists()
    assert browser.get(CONFIRM).url == START


def test_F3_only_the_qr_code_shown_last_can_be_confirmed(browser, holder, clock):
    start(browser, "First")
    first_secret = shown_secret(browser)
    start(browser, "Second")

    refused = confirm(browser, app_code(first_secret))

    assert errors_of(refused, "code") == [WRONG_CODE]
    assert AuthenticatorAppEnrolment.objects.filter(used_at__isnull=True).count() == 1
    assert AuthenticatorAppEnrolment.objects.get(name="First").secret == ""
    assert not apps().exists()


def test_F3_another_users_pending_enrolment_is_not_reachable(browser, clock):
    other = UserFactory()
    other_browser = logged_in(other)
    start(other_browser)
    other_secret = shown_secret(other_browser)
    session = browser.session
    session[SESSION_KEY] = AuthenticatorAppEnrolment.objects.get(user=other).pk
    session.save()

    shown = browser.get(CONFIRM)
    posted = confirm(browser, app_code(other_secret))

    assert shown.url == START and posted.url == START
    assert not apps().exists()


@pytest.mark.parametrize("stored", ["not-a-number", "12", None, True, [1]])
def test_F3_session_value_of_any_shape_leads_back_to_the_start(browser, stored):
    session = browser.session
    session[SESSION_KEY] = stored
    session.save()

    assert browser.get(CONFIRM).url == START


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", NAME_REQUIRED),
        ("   ", NAME_REQUIRED),
        ("x" * 65, NAME_TOO_LONG),
        ("x" * 100_000, NAME_TOO_LONG),
        ("tab\tname", NAME_CHARACTERS),
        ("two\nlines", NAME_CHARACTERS),
        ("evil\u202egnp.exe", NAME_CHARACTERS),
        ("line\u2028separator", NAME_CHARACTERS),
        ("zero\u200bwidth", NAME_CHARACTERS),
    ],
)
def test_F3_bad_names_are_refused_before_the_answer(browser, name, error):
    response = start(browser, name)

    assert response.status_code == 200
    assert errors_of(response, "name") == [error]
    assert not AuthenticatorAppEnrolment.objects.exists()
    assert not LoginFailure.objects.exists()


def test_F3_nul_in_the_name_is_refused_at_the_door(browser):
    response = start(browser, "phone\x00")

    assert response.status_code == 400
    assert not AuthenticatorAppEnrolment.objects.exists()


def test_F3_unicode_name_is_kept_as_typed(browser, holder, clock):
    device, _ = enrol(browser, holder, "Téléphone de Zoë 📱")

    assert device.name == "Téléphone de Zoë 📱"


def test_F3_empty_post_is_a_clear_error(browser):
    response = browser.post(START, {})

    assert errors_of(response, "name") == [NAME_REQUIRED]
    assert not AuthenticatorAppEnrolment.objects.exists()


def test_F3_missing_name_is_a_clear_error(browser):
    page = browser.get(START)
    fresh = page.context["fresh_factor"]

    ids = {"device": fresh["device"].pk, "challenge": fresh["challenge"].pk}

    response = browser.post(START, ids)

    assert errors_of(response, "name") == [NAME_REQUIRED]
    assert not AuthenticatorAppEnrolment.objects.exists()


@pytest.mark.parametrize(
    "code",
    ["", "12345", "1234567", "12 34 56", "１２３４５６", "abcdef", "9" * 100_000, "١٢٣٤٥٦"],
)
def test_F3_malformed_first_codes_are_clear_errors(browser, clock, code):
    start(browser)

    response = confirm(browser, code)

    assert response.status_code == 200
    assert errors_of(response, "code") == [CODE_MALFORMED]
    assert not apps().exists()


def test_F3_missing_code_and_nul_in_code(browser, clock):
    start(browser)

    missing = browser.post(CONFIRM, {})
    nul = confirm(browser, "12345\x00")

    assert errors_of(missing, "code") == [CODE_MALFORMED]
    assert nul.status_code == 400
    assert not apps().exists()


def test_F3_first_codes_are_throttled_as_activation_attempts(browser, holder, clock, settings):
    settings.SLS_THROTTLE_LIMITS = {"activation_user": (3, 300)}
    start(browser)
    secret = shown_secret(browser)

    statuses = [confirm(browser, wrong_code(secret)).status_code for _ in range(3)]
    refused = confirm(browser, app_code(secret))

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 300
    assert not apps().exists()
    throttled = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_FAILED).first()
    assert (throttled.subject, throttled.detail["step"]) == (holder, "activation")


def test_F3_pages_need_a_verified_login(client, holder):
    assert client.get(START).status_code == 302
    assert client.post(CONFIRM, {"code": "123456"}).status_code == 302
    assert not apps().exists()
