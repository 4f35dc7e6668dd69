"""The device step of the login: M2FS choice (L4), bad input as "Login failed" (L5), wrong
responses counting towards the lockout (L3), and pages that need a verified session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import LoginFailure
from accounts.services.lockout import lockout_is_active
from devices.models import Authenticator
from tests.factories import UserFactory, give_device
from tests.login_helpers import (
    answer_device,
    card_answer,
    device_page,
    full_login,
    is_logged_in,
    post_login,
)

pytestmark = pytest.mark.django_db

DEVICE_URL = "devices:login_device"


@pytest.fixture
def m2fs_user(db):
    user = UserFactory(device="scc")
    give_device(user, "dsc_plus")
    return user


def test_L4_password_step_is_answered_with_the_device_step(client, user, password):
    response = post_login(client, user.username, password)

    assert response.status_code == 200
    assert response.context["device"].user == user
    assert response.context["challenge"].attempt
    assert f'action="{reverse(DEVICE_URL)}"' in response.content.decode()
    assert not is_logged_in(client)


def test_L4_right_password_shown_the_challenge_logs_in_with_its_answer(client, user, password):
    page = post_login(client, user.username, password)
    device, challenge = page.context["device"], page.context["challenge"]

    done = client.post(
        reverse(DEVICE_URL),
        {
            "device": device.pk,
            "challenge": challenge.pk,
            "response": card_answer(device, challenge.value),
        },
    )

    assert done.status_code == 302
    assert is_logged_in(client)


def test_L4_m2fs_preselects_the_strongest_device(client, m2fs_user, password):
    post_login(client, m2fs_user.username, password)

    page = device_page(client)

    assert [d.authenticator.kind for d in page.context["devices"]] == ["dsc_plus", "scc"]
    assert page.context["device"].authenticator.kind == "dsc_plus"
    assert b"Security device" in page.content


def test_L4_m2fs_user_may_choose_the_other_device(client, m2fs_user, password):
    post_login(client, m2fs_user.username, password)
    scc = m2fs_user.securitydevice_set.get(authenticator__kind="scc")

    page = device_page(client, scc)
    first, second = page.context["challenge"].value.split(",")

    assert page.context["device"] == scc
    assert first != second
    assert f"index numbers {first} and {second}" in page.content.decode()
    assert answer_device_for(client, page).status_code == 302
    assert is_logged_in(client)


def test_L4_choosing_another_users_device_falls_back_to_ones_own(client, user, password):
    stranger_device = UserFactory().securitydevice_set.get()
    post_login(client, user.username, password)

    page = device_page(client, stranger_device)

    assert page.context["device"].user == user


def test_L4_single_device_has_no_chooser(client, user, password):
    post_login(client, user.username, password)

    assert b"Use this device" not in device_page(client).content


def test_user_whose_devices_are_all_lost_cannot_complete_the_login(client, password):
    user = UserFactory()
    Authenticator.objects.filter(user_devices__user=user).update(state=Authenticator.State.LOST)
    page = post_login(client, user.username, password)

    assert page.status_code == 403
    assert b"No active security device" in page.content
    assert not is_logged_in(client)


def test_device_step_without_password_step_goes_back_to_login(client):
    response = client.get(reverse(DEVICE_URL))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


BAD_RESPONSES = [
    "",
    "1234567",
    "123456789",
    "12a45678",
    "1234 5678",
    " 12345678",
    "١٢٣٤٥٦٧٨",
    "１２３４５６７８",
    "1" * 10_000,
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("response_text", BAD_RESPONSES)
def test_L5_malformed_response_is_login_failed_and_counted(client, user, password, response_text):
    post_login(client, user.username, password)

    response = answer_device(client, response=response_text)

    assert response.status_code == 200
    assert b"Login failed" in response.content
    assert b"<script>alert(1)</script>" not in response.content
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert not is_logged_in(client)


def test_L5_response_with_a_control_character_is_refused_before_any_check(client, user, password):
    """Nobody types one: the request is refused before the device step reads it, so no
    answer was checked and nothing is counted, as with any answer that is never checked."""
    post_login(client, user.username, password)

    response = answer_device(client, response="1234\x005678")

    assert response.status_code == 400
    assert not LoginFailure.objects.exists()
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "tampered",
    [
        {"device": "abc"},
        {"device": "-1"},
        {"device": "99999999999999999999999"},
        {"challenge": "abc"},
        {"challenge": "0"},
    ],
)
def test_L5_tampered_hidden_fields_are_login_failed(client, user, password, tampered):
    post_login(client, user.username, password)
    page = device_page(client)
    device, challenge = page.context["device"], page.context["challenge"]
    data = {
        "device": device.pk,
        "challenge": challenge.pk,
        "response": card_answer(device, challenge.value),
        **tampered,
    }

    response = client.post(reverse(DEVICE_URL), data)

    assert b"Login failed" in response.content
    assert not is_logged_in(client)


def test_G1_an_answer_without_a_challenge_is_not_checked(client, user, password):
    post_login(client, user.username, password)
    page = device_page(client)
    device, challenge = page.context["device"], page.context["challenge"]

    response = client.post(
        reverse(DEVICE_URL),
        {"device": device.pk, "challenge": "", "response": card_answer(device, challenge.value)},
    )

    assert response.status_code == 200
    assert b"no longer open" in response.content
    assert not LoginFailure.objects.filter(user=user).exists()
    assert not is_logged_in(client)


def test_L3_ten_wrong_responses_lock_the_user(client, user, password):
    for _ in range(9):
        post_login(client, user.username, password)
        answer_device(client, response="00000000")

    post_login(client, user.username, password)
    tenth = answer_device(client, response="00000000")

    assert tenth.status_code == 302
    assert tenth["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert lockout_is_active(user=user, at=user.last_failed_login_at)
    assert full_login(client, user.username, password).status_code == 200
    assert not is_logged_in(client)


def test_portal_pages_need_the_second_factor(client, user, password):
    post_login(client, user.username, password)

    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert client.get(reverse("accounts:secure_login")).status_code == 302


def test_secure_login_page_lists_the_devices(client, m2fs_user, password):
    full_login(client, m2fs_user.username, password)

    page = client.get(reverse("accounts:secure_login")).content.decode()

    for device in m2fs_user.securitydevice_set.select_related("authenticator"):
        assert device.authenticator.serial in page
    assert "Digital Security Card+" in page
    assert "Security Code Card" in page
    assert "Active" in page


def answer_device_for(client, page):
    device, challenge = page.context["device"], page.context["challenge"]
    return client.post(
        reverse(DEVICE_URL),
        {
            "device": device.pk,
            "challenge": challenge.pk,
            "response": card_answer(device, challenge.value),
        },
    )


@pytest.mark.parametrize("kind", ["scc", "dsc_plus"])
def test_D3_codes_are_entered_without_spaces(client, password, kind):
    user = UserFactory(device=kind)
    post_login(client, user.username, password)
    page = device_page(client)
    device, challenge = page.context["device"], page.context["challenge"]
    answer = card_answer(device, challenge.value)
    spaced = f"{answer[:3]} {answer[3:]}"

    response = client.post(
        reverse(DEVICE_URL), {"device": device.pk, "challenge": challenge.pk, "response": spaced}
    )

    assert b"Login failed" in response.content
    assert not is_logged_in(client)
