"""The share wizard's pages (H2, KB2481): the entries on the Secure Login System page, the
owner's credentials counted against the owner's lockout, the owner's card answered once,
and the bad input of the issue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure
from accounts.services.login import INVALID_CREDENTIALS
from devices.models import Authenticator, DeviceShare
from tests.devices.sharing.helpers import (
    device_step,
    logged_in,
    matching_records_users,
    owner_step,
    page_text,
    same_person_users,
    share_through_pages,
)
from tests.login_helpers import card_answer

pytestmark = pytest.mark.django_db


def test_H2_entry_share_device_from_the_device_list():
    requester, _ = same_person_users("scc", "dsc_plus")

    page = logged_in(requester).get(reverse("accounts:secure_login"))

    assert "Share Device" in page_text(page)
    assert "under a different username" not in page_text(page)


def test_H2_entry_without_an_active_device():
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    card = requester.securitydevice_set.get().authenticator
    # The card stops working under this session; a report by support would end the
    # session too (G3), so the state is set directly.
    Authenticator.objects.filter(pk=card.pk).update(state=Authenticator.State.LOST)

    page = client.get(reverse("accounts:secure_login"))

    assert "I already have access to a Secure Login Device under a different username" in (
        page_text(page)
    )
    assert "Share Device" not in page_text(page)
    share_through_pages(client, owner)
    assert DeviceShare.objects.get().status == DeviceShare.Status.APPROVED


def test_H2_wrong_owner_password_counts_against_the_owner_and_says_nothing_more():
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)

    wrong = owner_step(client, owner.username, "not-the-password")
    unknown = owner_step(client, "nosuchuser", "not-the-password")

    assert INVALID_CREDENTIALS in page_text(wrong)
    assert INVALID_CREDENTIALS in page_text(unknown)
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert LoginFailure.objects.filter(user=owner).count() == 1
    assert not LoginFailure.objects.filter(user=requester).exists()


def test_H2_L3_ten_wrong_owner_passwords_lock_the_owner():
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    for _ in range(10):
        owner_step(client, owner.username, "not-the-password")

    right = owner_step(client, owner.username)

    assert INVALID_CREDENTIALS in page_text(right)
    owner.refresh_from_db()
    assert owner.locked_at is not None


def test_H2_a_response_from_another_device_is_refused():
    requester, owner = same_person_users("dsc_plus", "dsc_plus")
    client = logged_in(requester)
    owner_step(client, owner.username)
    page = device_step(client)
    own_card = requester.securitydevice_set.get()

    answer = client.post(
        reverse("sharing:device"),
        {"response": card_answer(own_card, page.context["challenge"].value), "device": own_card.pk},
    )

    assert "does not match the device" in page_text(answer)
    assert LoginFailure.objects.filter(user=owner).count() == 1
    assert client.get(reverse("sharing:review")).status_code == 302
    assert not DeviceShare.objects.exists()


def test_H2_D2_a_challenge_answers_once():
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    owner_step(client, owner.username)
    page = device_step(client)
    device, challenge = page.context["device"], page.context["challenge"]
    right = card_answer(device, challenge.value)
    assert client.post(reverse("sharing:device"), {"response": right}).status_code == 302

    replay = client.post(reverse("sharing:device"), {"response": right})

    assert "no longer open" in page_text(replay)
    assert client.get(reverse("sharing:review"))["Location"] == reverse("sharing:owner")


def test_H2_the_review_needs_the_card_answered():
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    owner_step(client, owner.username)

    skipped = client.post(reverse("sharing:review"))

    assert skipped["Location"] == reverse("sharing:owner")
    assert not DeviceShare.objects.exists()


def test_H2_the_owner_step_expires():
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    owner_step(client, owner.username)

    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        late = device_step(client)

    assert late["Location"] == reverse("sharing:owner")


def test_H2_a_second_request_while_one_is_pending_is_refused():
    requester, owner = matching_records_users("scc", "dsc_plus")
    client = logged_in(requester)
    share_through_pages(client, owner)

    again = client.get(reverse("sharing:owner"))

    assert again["Location"] == reverse("sharing:status")
    assert DeviceShare.objects.count() == 1


def test_H2_staff_users_have_no_share_pages(support_agent):
    client = logged_in(support_agent)

    assert client.get(reverse("sharing:owner")).status_code == 404
