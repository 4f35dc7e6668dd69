"""Enrolment of a new applicant (E1): a mobile number typed as K1 asks, confirmed with a code
by SMS (S1), becomes the temporary SMS device; wrong codes count towards the lockout (L3);
the IB Key invitation stays until IB Key is active (K7)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import conf as accounts_conf
from accounts.client_info import SYSTEM
from accounts.conf import LOCKOUT_THRESHOLD
from accounts.models import AuditEvent, AuditEventType, LoginFailure
from devices.enrolment.services import enrolment_complete
from devices.enrolment.views import ib_key_invitation_context
from devices.gateways.locmem import sent
from devices.models import ActivationCode, Authenticator, SecurityDevice
from tests.factories import StaffFactory, UserFactory, give_device
from tests.login_helpers import is_logged_in, post_login

pytestmark = pytest.mark.django_db

START = "enrolment:start"
CONFIRM = "enrolment:confirm"
GB_MOBILE = "7400123456"
WRONG_CODE = "That code is not right or has expired."


ON_RECORD = "+447400123456"


@pytest.fixture
def applicant(db):
    """A new applicant whose application gave the mobile number on record (G2)."""
    return UserFactory(device=False, client__mobile_number=ON_RECORD)


@pytest.fixture
def applicant_client(client, applicant, password):
    post_login(client, applicant.username, password)
    return client


def send_number(client, national_number=GB_MOBILE, country="GB"):
    return client.post(reverse(START), {"country": country, "national_number": national_number})


def code_sent(index=-1) -> str:
    return re.search(r"\b(\d{6})\b", sent[index].body).group(1)


def confirm(client, code):
    return client.post(reverse(CONFIRM), {"code": code})


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_E1_new_applicant_is_sent_from_the_device_step_to_enrolment(client, applicant, password):
    response = post_login(client, applicant.username, password)

    assert response.status_code == 302
    assert response["Location"] == reverse(START)
    assert client.get(reverse("devices:login_device")).url == reverse(START)
    assert b"Mobile number" in client.get(reverse(START)).content


def test_E1_S1_new_applicant_enrols_with_sms(applicant_client, applicant):
    response = send_number(applicant_client)

    assert response.status_code == 302 and response.url == reverse(CONFIRM)
    assert [(m.channel, m.to) for m in sent] == [("sms", "+447400123456")]
    page = applicant_client.get(reverse(CONFIRM))
    assert "••• 3456" in page.content.decode()
    assert b"Code from the text message" in page.content

    response = confirm(applicant_client, code_sent())

    assert response.status_code == 302 and response.url == reverse("accounts:secure_login")
    device = SecurityDevice.objects.select_related("authenticator").get(user=applicant)
    authenticator = device.authenticator
    assert authenticator.kind == "sms"
    assert authenticator.serial.startswith("SMS-")
    assert authenticator.phone_number == "+447400123456"
    assert authenticator.state == Authenticator.State.ACTIVE
    assert authenticator.activated_at is not None
    assert device.name == str(authenticator)
    assert is_logged_in(applicant_client)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your mobile number is confirmed; SMS is your security device until you activate IB Key."
    ]
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_ASSIGNED, subject=applicant)
    assert event.detail["kind"] == "sms"
    assert "7400123456" not in str(event.detail)


def test_E1_S1_the_sms_device_works_at_the_next_login(applicant_client, applicant, password):
    send_number(applicant_client)
    confirm(applicant_client, code_sent())
    applicant_client.post(reverse("accounts:logout"))
    sent.clear()

    post_login(applicant_client, applicant.username, password)
    page = applicant_client.get(reverse("devices:login_device"))
    response = applicant_client.post(
        reverse("devices:login_device"),
        {
            "device": page.context["device"].pk,
            "challenge": page.context["challenge"].pk,
            "response": code_sent(),
        },
    )

    assert [m.to for m in sent] == ["+447400123456"]
    assert response.status_code == 302
    assert is_logged_in(applicant_client)


@pytest.mark.parametrize(
    ("country", "national_number", "error"),
    [
        ("GB", "74OO123456", "Type digits only: no spaces, dashes, brackets or +."),
        ("GB", "7400 123456", "Type digits only: no spaces, dashes, brackets or +."),
        ("GB", " 7400123456", "Type digits only: no spaces, dashes, brackets or +."),
        ("GB", "+447400123456", "Type digits only: no spaces, dashes, brackets or +."),
        ("GB", "07400123456", "Leave out the leading 0 (the trunk prefix)."),
        ("GB", "2015550123", "That is not a mobile number."),
        ("FR", "2015550123", "That is not a valid number in FR."),
        ("US", "7400123456", "That is not a valid number in US."),
        ("GB", "", "Type the mobile number."),
        ("GB", "7" * 10_000, "That is too long for a mobile number."),
        ("GB", "7" * 15, "That is not a valid number in GB."),
        ("GB", "٧٤٠٠١٢٣٤٥٦", "Type digits only: no spaces, dashes, brackets or +."),
        ("GB", "７４００１２３４５６", "Type digits only: no spaces, dashes, brackets or +."),
    ],
    ids=[
        "letters",
        "space",
        "leading-space",
        "plus",
        "trunk-prefix",
        "us-format-for-gb",
        "us-format-for-fr",
        "gb-format-for-us",
        "empty",
        "ten-thousand-digits",
        "too-long-for-gb",
        "arabic-indic-digits",
        "fullwidth-digits",
    ],
)
def test_K1_malformed_number_gets_a_field_error_and_sends_nothing(
    applicant_client, country, national_number, error
):
    response = send_number(applicant_client, national_number, country)

    assert response.status_code == 200
    assert field_errors(response, "national_number") == [error]
    assert error in response.content.decode()
    assert sent == []
    assert applicant_client.get(reverse(CONFIRM)).url == reverse(START)


def test_K1_unknown_country_is_refused(applicant_client):
    response = send_number(applicant_client, country="ZZ")

    assert field_errors(response, "country")
    assert sent == []


def test_K1_the_country_decides_the_number(applicant_client, applicant):
    applicant.client.mobile_number = "+12015550123"
    applicant.client.save(update_fields=["mobile_number"])

    send_number(applicant_client, "2015550123", "US")

    assert [m.to for m in sent] == ["+12015550123"]


def test_E1_L3_wrong_code_is_refused_and_counted(applicant_client, applicant):
    send_number(applicant_client)

    response = confirm(applicant_client, "000000" if code_sent() != "000000" else "111111")

    assert response.status_code == 200
    assert field_errors(response, "code") == [WRONG_CODE]
    assert LoginFailure.objects.filter(user=applicant).count() == 1
    assert not SecurityDevice.objects.filter(user=applicant).exists()
    assert not is_logged_in(applicant_client)


def test_E1_L3_enough_wrong_codes_lock_the_user_and_end_the_login(
    applicant_client, applicant, password
):
    send_number(applicant_client)
    for _ in range(LOCKOUT_THRESHOLD - 1):
        response = confirm(applicant_client, "abcdef")
        assert response.status_code == 200

    response = confirm(applicant_client, "abcdef")

    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert "Login failed" in [str(m) for m in get_messages(response.wsgi_request)]
    applicant.refresh_from_db()
    assert applicant.locked_at is not None
    assert applicant_client.get(reverse(CONFIRM)).url == reverse("accounts:login")
    assert post_login(applicant_client, applicant.username, password).status_code == 200


def test_E1_L3_a_locked_user_cannot_confirm_even_with_the_right_code(client, applicant, password):
    post_login(client, applicant.username, password)
    send_number(client)
    code = code_sent()
    applicant.locked_at = applicant.last_failed_login_at = timezone.now()
    applicant.save(update_fields=["locked_at", "last_failed_login_at"])

    response = confirm(client, code)

    assert response.url == reverse("accounts:login")
    assert not SecurityDevice.objects.filter(user=applicant).exists()


def test_E1_D2_used_code_cannot_be_reused(client, applicant, password):
    post_login(client, applicant.username, password)
    send_number(client)
    code = code_sent()
    confirm(client, code)
    client.post(reverse("accounts:logout"))

    again = enrolment_complete(user=applicant, code=code, client=SYSTEM)

    assert again is None
    assert ActivationCode.objects.get(user=applicant).used_at is not None
    assert SecurityDevice.objects.filter(user=applicant).count() == 1
    assert LoginFailure.objects.filter(user=applicant).count() == 1


def test_E1_expired_code_is_refused(applicant_client, applicant, monkeypatch):
    # The pending login lasts 5 minutes; stretch it so that only the code's age matters.
    monkeypatch.setattr(accounts_conf, "PENDING_LOGIN_TTL", timedelta(hours=1))
    send_number(applicant_client)
    code = code_sent()

    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        response = confirm(applicant_client, code)

    assert field_errors(response, "code") == [WRONG_CODE]
    assert LoginFailure.objects.filter(user=applicant).count() == 1
    assert not SecurityDevice.objects.filter(user=applicant).exists()


def test_E1_code_is_good_just_before_it_expires(applicant_client, applicant, monkeypatch):
    monkeypatch.setattr(accounts_conf, "PENDING_LOGIN_TTL", timedelta(hours=1))
    send_number(applicant_client)

    with time_machine.travel(timezone.now() + timedelta(minutes=9, seconds=50), tick=False):
        response = confirm(applicant_client, code_sent())

    assert response.url == reverse("accounts:secure_login")


def test_E1_code_for_an_earlier_send_stops_working_after_a_resend(applicant_client, applicant):
    send_number(applicant_client)
    first = code_sent()
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        applicant_client.post(reverse(CONFIRM), {"resend": "1"})
        second = code_sent()

        if first != second:
            assert field_errors(confirm(applicant_client, first), "code") == [WRONG_CODE]
        assert confirm(applicant_client, second).url == reverse("accounts:secure_login")


def test_E1_resend_is_throttled_to_one_per_30_seconds(applicant_client):
    send_number(applicant_client)
    start = timezone.now()

    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        response = applicant_client.post(reverse(CONFIRM), {"resend": "1"}, follow=True)
    assert len(sent) == 1
    assert "You can ask for a new one in 20 seconds." in response.content.decode()

    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        response = applicant_client.post(reverse(CONFIRM), {"resend": "1"}, follow=True)
    assert len(sent) == 2
    assert "We sent a new code to" in response.content.decode()


def test_E1_a_second_send_from_the_start_page_within_30_seconds_is_throttled_too(
    applicant_client,
):
    send_number(applicant_client)

    response = send_number(applicant_client)

    assert response.status_code == 200
    assert "You can ask for a new one in" in response.content.decode()
    assert [m.to for m in sent] == ["+447400123456"]


def test_E1_user_with_a_device_cannot_use_the_enrolment_pages(client, user, password):
    post_login(client, user.username, password)

    assert client.get(reverse(START)).url == reverse("accounts:login")
    assert send_number(client).url == reverse("accounts:login")
    assert client.get(reverse(CONFIRM)).url == reverse("accounts:login")
    assert sent == []


def test_E1_staff_without_a_client_is_no_applicant(client, password):
    staff = StaffFactory(device=False)
    post_login(client, staff.username, password)

    assert client.get(reverse(START)).url == reverse("accounts:login")


@pytest.mark.parametrize("name", [START, CONFIRM])
def test_E1_without_a_pending_login_the_pages_redirect_to_login(client, name):
    assert client.get(reverse(name)).url == reverse("accounts:login")
    assert client.post(reverse(name), {"code": "123456", "resend": "1"}).url == reverse(
        "accounts:login"
    )
    assert sent == []


def test_E1_confirm_before_a_number_was_sent_goes_back_to_start(applicant_client):
    assert applicant_client.get(reverse(CONFIRM)).url == reverse(START)


def test_E1_a_number_remembered_for_another_login_is_not_used(applicant_client, applicant):
    send_number(applicant_client)
    post_login(applicant_client, applicant.username, "correct-horse-battery")

    assert applicant_client.get(reverse(CONFIRM)).url == reverse(START)


def invitation_for(user) -> tuple[dict, str]:
    request = RequestFactory().get("/settings/secure-login/")
    request.user = user
    context = ib_key_invitation_context(request)
    return context, render_to_string("devices/_ib_key_invitation.html", context)


def test_E1_K7_sms_user_is_invited_to_activate_ib_key(applicant_client, applicant):
    send_number(applicant_client)
    confirm(applicant_client, code_sent())

    context, html = invitation_for(applicant)

    url = f"http://testserver/simulators/phone/activate/?username={applicant.username}"
    assert context["ib_key_invitation"]["activation_url"] == url
    assert "SMS is temporary until IB Key is active" in html
    assert 'data-testid="ib-key-qr"' in html
    assert "<svg" in html and "<path" in html
    assert f'href="{url}"' in html
    assert "Open on the simulated phone" in html


def test_E1_without_simulators_the_invitation_has_no_qr_or_simulator_link(applicant, settings):
    give_device(applicant, "sms")
    settings.SLS_SIMULATORS = False

    _, html = invitation_for(applicant)

    assert "Activate IB Key" in html
    assert "<svg" not in html
    assert "Open on the simulated phone" not in html


def test_E1_username_is_url_encoded_in_the_activation_url(applicant):
    applicant.username = "a&b c"
    give_device(applicant, "sms")

    context, html = invitation_for(applicant)

    assert context["ib_key_invitation"]["activation_url"].endswith("?username=a%26b+c")
    assert 'href="http://testserver/simulators/phone/activate/?username=a%26b+c"' in html


@pytest.mark.parametrize("kinds", [["dsc_plus"], ["sms", "ib_key"], []])
def test_E1_K7_no_invitation_without_a_temporary_sms_device(kinds):
    user = UserFactory(device=False)
    for kind in kinds:
        give_device(user, kind)

    context, html = invitation_for(user)

    assert context == {}
    assert html.strip() == ""
