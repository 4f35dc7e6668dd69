"""T4 "Reactivate security device" (KB1132 §10): answering the permanent device's challenge
makes it active again, even after it was reported lost, and ends the temporary passcode
and the online card at once. A wrong answer is "Login failed", counted (L3), and changes
nothing; another user's device is refused and changes nothing."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure, UserSession
from devices.models import Authenticator, Challenge
from devices.temporary.access import TEMPORARY_DEVICE_ENDED
from devices.temporary.policy import TEMPORARY_DEVICE_REVOKED
from devices.temporary.reactivation import NOT_YOUR_DEVICE
from devices.temporary.services import device_report
from tests.devices.temporary.helpers import (
    START,
    device_of,
    login_with,
    messages_of,
    online_card_answer,
    passcode_give,
)
from tests.factories import UserFactory
from tests.login_helpers import card_answer, device_page, full_login, is_logged_in, post_login

pytestmark = pytest.mark.django_db

REACTIVATE = reverse("devices:device_reactivate")
SECURE_LOGIN = reverse("accounts:secure_login")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def stranded(clock, client, user, password, support_agent):
    """A user whose DSC+ was reported lost, logged in with the online card made with a
    temporary passcode."""
    dsc_plus = device_of(user, "dsc_plus")
    device_report(
        authenticator=dsc_plus.authenticator, state="lost", agent=support_agent, client=SYSTEM
    )
    code = passcode_give(user, support_agent, reason="lost")
    login_with(client, user, password, "temporary_passcode", code)
    client.get(reverse("devices:online_card"))
    client.post(reverse("accounts:logout"))
    login_with(client, user, password, "online_card")
    assert is_logged_in(client)
    return code


def challenge_page(client, device):
    page = client.get(REACTIVATE, {"device": device.pk})
    assert page.status_code == 200
    return page.context["challenge"]


def answer(client, device, challenge, response):
    return client.post(
        REACTIVATE, {"device": device.pk, "challenge": challenge.pk, "response": response}
    )


def states(user) -> dict[str, str]:
    return dict(Authenticator.objects.filter(user_devices__user=user).values_list("kind", "state"))


def test_T4_section_shown_only_while_a_temporary_device_is_active(client, user, password, stranded):
    page = client.get(SECURE_LOGIN)

    assert "Reactivate security device" in page.content.decode()
    assert [d.pk for d in page.context["reactivation"]["devices"]] == [
        device_of(user, "dsc_plus").pk
    ]
    client.post(reverse("accounts:logout"))
    full_login(client, UserFactory().username, password)
    assert "reactivation" not in client.get(SECURE_LOGIN).context


def open_device_step(client, user, password, kind):
    """The password step and the device step of `kind`, not yet answered."""
    post_login(client, user.username, password)
    device = device_of(user, kind)
    return device, device_page(client, device).context["challenge"]


def test_T4_reactivating_a_found_device_ends_passcode_and_card_at_once(
    client, user, password, stranded
):
    # Two more browsers stand at the device step, one with each temporary device.
    pending = {kind: Client() for kind in ("temporary_passcode", "online_card")}
    shown = {kind: open_device_step(c, user, password, kind) for kind, c in pending.items()}
    dsc_plus = device_of(user, "dsc_plus")
    challenge = challenge_page(client, dsc_plus)

    response = answer(client, dsc_plus, challenge, card_answer(dsc_plus, challenge.value))

    assert response["Location"] == SECURE_LOGIN
    assert states(user) == {
        "dsc_plus": "active",
        "temporary_passcode": "revoked",
        "online_card": "revoked",
    }
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_REACTIVATED)
    assert event.detail == {
        "serial": dsc_plus.authenticator.serial,
        "previous_state": "lost",
        "temporary_devices_ended": 2,
    }
    # The session moved to the device just answered.
    assert client.session[DEVICE_ID_SESSION_KEY] == dsc_plus.persistent_id
    assert is_logged_in(client)
    # The right passcode and the right card codes no longer work.
    for kind, browser in pending.items():
        device, device_challenge = shown[kind]
        typed = stranded if kind == "temporary_passcode" else None
        typed = typed or online_card_answer(device, device_challenge.value)
        page = browser.post(
            reverse("devices:login_device"),
            {"device": device.pk, "challenge": device_challenge.pk, "response": typed},
        )
        # G1: the revoked device is not checked; the pending login ends with the reason.
        assert page.status_code == 302 and page["Location"] == reverse("accounts:login"), kind
        assert TEMPORARY_DEVICE_REVOKED in messages_of(browser.get(page["Location"])), kind
        assert not is_logged_in(browser), kind


def test_T4_G3_session_moved_to_the_found_device_is_still_ended_by_a_report(
    client, settings, user, password, stranded, support_agent
):
    """The move rotates the session key after login (G6); the index of the user's
    sessions follows, so reporting the device lost again still ends this session."""
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    dsc_plus = device_of(user, "dsc_plus")
    challenge = challenge_page(client, dsc_plus)
    answer(client, dsc_plus, challenge, card_answer(dsc_plus, challenge.value))
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        after
    ]

    device_report(
        authenticator=dsc_plus.authenticator, state="lost", agent=support_agent, client=SYSTEM
    )

    assert not Session.objects.filter(session_key=after).exists()
    assert not is_logged_in(client)


def test_T4_other_sessions_of_temporary_devices_end(client, user, password, stranded):
    other = Client()
    login_with(other, user, password, "online_card")
    assert is_logged_in(other)
    dsc_plus = device_of(user, "dsc_plus")
    challenge = challenge_page(client, dsc_plus)
    answer(client, dsc_plus, challenge, card_answer(dsc_plus, challenge.value))

    response = other.get(reverse("accounts:dashboard"), follow=True)

    assert TEMPORARY_DEVICE_ENDED in messages_of(response)
    assert not is_logged_in(other)


def test_T4_L3_wrong_answer_is_login_failed_counted_and_changes_nothing(
    client, user, password, stranded
):
    dsc_plus = device_of(user, "dsc_plus")
    before = states(user)
    challenge = challenge_page(client, dsc_plus)

    page = answer(client, dsc_plus, challenge, "00000000")

    assert page.status_code == 200
    assert page.context["failed"] is True
    assert "Login failed" in page.content.decode()
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert states(user) == before
    assert not AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_REACTIVATED).exists()
    assert page.context["challenge"].pk != challenge.pk


def test_T4_L3_tenth_wrong_answer_logs_out_locked(client, user, password, stranded):
    dsc_plus = device_of(user, "dsc_plus")
    for _ in range(9):
        page = answer(client, dsc_plus, challenge_page(client, dsc_plus), "00000000")
        assert page.status_code == 200

    response = answer(client, dsc_plus, challenge_page(client, dsc_plus), "00000000")

    assert response["Location"] == reverse("accounts:login")
    assert not is_logged_in(client)
    user.refresh_from_db()
    assert user.locked_at is not None


def test_T4_another_users_device_is_refused_and_changes_nothing(client, user, password, stranded):
    stranger = UserFactory()
    theirs = device_of(stranger, "dsc_plus")
    before = states(user)

    shown = client.get(REACTIVATE, {"device": theirs.pk}, follow=True)
    posted = client.post(
        REACTIVATE, {"device": theirs.pk, "challenge": "1", "response": "12345678"}, follow=True
    )

    for response in (shown, posted):
        assert response.redirect_chain == [(SECURE_LOGIN, 302)]
        assert NOT_YOUR_DEVICE in messages_of(response)
    assert not Challenge.objects.filter(device=theirs).exists()
    assert states(user) == before
    assert not LoginFailure.objects.filter(user=user).exists()


@pytest.mark.parametrize("device_id", ["", "abc", "99999999999999999999", "-1"])
def test_T4_garbage_device_id_is_a_clear_error(client, user, password, stranded, device_id):
    response = client.get(REACTIVATE, {"device": device_id}, follow=True)

    assert response.status_code == 200
    assert NOT_YOUR_DEVICE in messages_of(response)


def test_T4_nothing_to_reactivate_without_a_temporary_device(client, user, password):
    full_login(client, user.username, password)
    dsc_plus = device_of(user, "dsc_plus")

    response = client.get(REACTIVATE, {"device": dsc_plus.pk}, follow=True)

    assert "nothing to reactivate" in messages_of(response)[0]
    assert "reactivation" not in client.get(SECURE_LOGIN).context
