"""O2 (KB2545, KB1198): opting out after the risks page and a fresh second factor; opting
back in through the gear of "Secure Login Settings", confirmed "settings have been
updated". A wrong device answer is "Login failed", counts towards L3 and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import Account, AuditEvent, AuditEventType, LoginFailure
from accounts.services.lockout import lockout_failure_record, lockout_is_active
from devices.assurance import Action
from devices.gateways.locmem import sent
from devices.services.fresh_factor import FreshFactor
from portal.services.sls import sls_opt_out
from tests.accounts.sls_helpers import fresh_factor_fields, logged_in, post_with_fresh_factor
from tests.factories import DEFAULT_PASSWORD, UserFactory, give_device
from tests.login_helpers import card_answer, device_page, post_login

pytestmark = pytest.mark.django_db

OPT_OUT = "settings:sls_opt_out"
CONFIGURE = "settings:sls_configure"


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def opted_out(user) -> bool:
    return Account.objects.get(pk=user.account_id).sls_opted_out


def test_O2_gear_leads_to_the_choice_with_the_source_labels(alice):
    client = logged_in(alice)
    box = client.get(reverse("accounts:secure_login")).content.decode()
    assert "Secure Login Settings" in box
    assert f'href="{reverse(CONFIGURE)}" aria-label="Configure Secure Login Settings"' in box

    page = client.get(reverse(CONFIGURE)).content.decode()

    assert "I want to always use my Secure Login Device when logging in" in page
    assert "Secure Login not required for trading" in page


def test_O2_choosing_opt_out_shows_the_risks_before_anything_changes(alice):
    client = logged_in(alice)

    response = client.post(reverse(CONFIGURE), {"choice": "not_required"})

    assert response["Location"] == reverse(OPT_OUT)
    assert not opted_out(alice)
    risks = client.get(reverse(OPT_OUT)).content.decode()
    for risk in ("withdrawal limits", "bank instructions", "USD 20,000", "share", "OTCBB"):
        assert risk in risks
    assert "Second factor" in risks


def test_O2_opt_out_with_fresh_second_factor_then_settings_updated(alice):
    client = logged_in(alice)

    response = post_with_fresh_factor(client, reverse(OPT_OUT), {"understood": "on"})

    assert response["Location"] == reverse("settings:sls_updated")
    confirmation = client.get(response["Location"]).content.decode()
    assert "Your settings have been updated" in confirmation
    assert f'href="{reverse("accounts:secure_login")}">OK</a>' in confirmation
    assert opted_out(alice)
    event = AuditEvent.objects.get(event_type=AuditEventType.SLS_OPTED_OUT)
    assert (event.subject, event.actor, event.detail["account"]) == (
        alice,
        alice,
        alice.account.number,
    )
    status = client.get(reverse("accounts:secure_login")).content.decode()
    assert "Secure Login not required for trading." in status


def test_O2_wrong_answer_is_login_failed_counted_and_nothing_changes(alice):
    client = logged_in(alice)

    response = post_with_fresh_factor(client, reverse(OPT_OUT), {"understood": "on"}, right=False)

    assert response.status_code == 200
    assert (
        '<div class="error-summary" role="alert" id="fresh-factor-error"><p>Login failed</p>'
        in (response.content.decode())
    )
    assert LoginFailure.objects.filter(user=alice).count() == 1
    assert not opted_out(alice)
    assert not AuditEvent.objects.filter(event_type=AuditEventType.SLS_OPTED_OUT).exists()


def test_O2_G1_an_answer_to_a_replaced_challenge_is_not_checked(alice):
    client = logged_in(alice)
    page = client.get(reverse(OPT_OUT))
    old = fresh_factor_fields(page)
    client.get(reverse(OPT_OUT))

    response = client.post(reverse(OPT_OUT), {"understood": "on", **old})

    assert "no longer open" in response.content.decode()
    assert not opted_out(alice)
    assert not LoginFailure.objects.filter(user=alice).exists()


def test_O2_answer_of_another_users_device_is_refused(alice):
    mallory = UserFactory(username="mallory")
    client = logged_in(alice)
    client.get(reverse(OPT_OUT))
    other = mallory.securitydevice_set.get()

    response = client.post(
        reverse(OPT_OUT),
        {"understood": "on", "device": other.pk, "challenge": 1, "response": "12345678"},
    )

    assert "Login failed" in response.content.decode()
    assert LoginFailure.objects.filter(user=alice).count() == 1
    assert not opted_out(alice)


def test_O2_risks_must_be_acknowledged(alice):
    client = logged_in(alice)

    response = post_with_fresh_factor(client, reverse(OPT_OUT), {})

    assert "Confirm that you have read the risks." in response.content.decode()
    assert not opted_out(alice)
    assert not LoginFailure.objects.filter(user=alice).exists()


def test_O2_L3_tenth_wrong_answer_locks_and_ends_the_session(alice):
    client = logged_in(alice)
    for _ in range(9):
        lockout_failure_record(user=alice, at=timezone.now(), client=SYSTEM)

    response = post_with_fresh_factor(client, reverse(OPT_OUT), {"understood": "on"}, right=False)

    assert response["Location"] == reverse("accounts:login")
    alice.refresh_from_db()
    assert lockout_is_active(user=alice, at=timezone.now())
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert not opted_out(alice)


def test_O2_m2fs_user_may_answer_with_another_device(alice):
    scc = give_device(alice, "scc")
    client = logged_in(alice)
    page = client.get(reverse(OPT_OUT), {"device": scc.pk})
    fresh = page.context["fresh_factor"]
    assert fresh["device"] == scc

    client.post(
        reverse(OPT_OUT),
        {
            "understood": "on",
            "device": scc.pk,
            "challenge": fresh["challenge"].pk,
            "response": card_answer(scc, fresh["challenge"].value),
        },
    )

    assert opted_out(alice)


def test_O2_G1_opt_out_service_needs_a_fresh_proof_for_opting_out(alice):
    with pytest.raises(PermissionDenied):
        sls_opt_out(user=alice, fresh_factor=None, client=SYSTEM)
    stale = FreshFactor(
        action=Action.OPT_OUT,
        user_id=alice.pk,
        device_id=1,
        verified_at=timezone.now() - timedelta(minutes=6),
    )
    with pytest.raises(PermissionDenied):
        sls_opt_out(user=alice, fresh_factor=stale, client=SYSTEM)
    someone_else = FreshFactor(
        action=Action.OPT_OUT, user_id=alice.pk + 1000, device_id=1, verified_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        sls_opt_out(user=alice, fresh_factor=someone_else, client=SYSTEM)
    another_action = FreshFactor(
        action=Action.CHANGE_EMAIL, user_id=alice.pk, device_id=1, verified_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        sls_opt_out(user=alice, fresh_factor=another_action, client=SYSTEM)
    assert not opted_out(alice)


def test_O2_proof_expires_after_five_minutes(alice):
    proof = FreshFactor(
        action=Action.OPT_OUT, user_id=alice.pk, device_id=1, verified_at=timezone.now()
    )
    later = timezone.now() + timedelta(minutes=5, seconds=1)
    with time_machine.travel(later), pytest.raises(PermissionDenied):
        sls_opt_out(user=alice, fresh_factor=proof, client=SYSTEM)


def test_O2_opt_back_in_through_the_gear_confirms_settings_updated(alice):
    Account.objects.filter(pk=alice.account_id).update(sls_opted_out=True)
    client = logged_in(alice)
    page = client.get(reverse(CONFIGURE))
    assert page.context["form"].initial["choice"] == "not_required"

    response = client.post(reverse(CONFIGURE), {"choice": "required"})

    assert response["Location"] == reverse("settings:sls_updated")
    assert "Your settings have been updated" in client.get(response["Location"]).content.decode()
    assert not opted_out(alice)
    assert AuditEvent.objects.filter(event_type=AuditEventType.SLS_OPTED_IN, subject=alice).exists()


def test_O2_keeping_the_current_choice_changes_nothing(alice):
    client = logged_in(alice)

    response = client.post(reverse(CONFIGURE), {"choice": "required"}, follow=True)

    assert "Your settings are unchanged." in response.content.decode()
    assert not AuditEvent.objects.filter(event_type__startswith="sls.").exists()


@pytest.mark.parametrize("choice", ["", "maybe"])
def test_O2_bad_choice_is_a_form_error(alice, choice):
    response = logged_in(alice).post(reverse(CONFIGURE), {"choice": choice})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not opted_out(alice)


def test_O2_confirmation_page_only_follows_a_change(alice):
    response = logged_in(alice).get(reverse("settings:sls_updated"))

    assert response["Location"] == reverse("accounts:secure_login")


def test_O2_already_opted_out_user_is_sent_to_the_choice(alice):
    Account.objects.filter(pk=alice.account_id).update(sls_opted_out=True)

    response = logged_in(alice).get(reverse(OPT_OUT))

    assert response["Location"] == reverse(CONFIGURE)


def test_O2_sms_user_gets_a_new_code_for_the_fresh_second_factor():
    sms_user = UserFactory(username="sam", device="sms")
    client = Client()
    post_login(client, "sam", DEFAULT_PASSWORD)
    login_page = device_page(client)
    client.post(
        reverse("devices:login_device"),
        {
            "device": login_page.context["device"].pk,
            "challenge": login_page.context["challenge"].pk,
            "response": last_sms_code(),
        },
    )
    page = client.get(reverse(OPT_OUT))
    fresh = page.context["fresh_factor"]
    assert len(sent) == 2

    client.post(
        reverse(OPT_OUT),
        {
            "understood": "on",
            "device": fresh["device"].pk,
            "challenge": fresh["challenge"].pk,
            "response": last_sms_code(),
        },
    )

    assert opted_out(sms_user)


def last_sms_code() -> str:
    return "".join(re.findall(r"\d", sent[-1].body.split("code")[1]))[:6]
