"""Sharing a device (H1, H2, H4, KB2481) through the pages of Settings → Secure Login
System: who may share, the owner's credentials and card, and the refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure
from accounts.services.login import INVALID_CREDENTIALS
from devices.models import DeviceShare
from devices.services.temporary import device_report
from devices.sharing import (
    DIFFERENT_IDENTIFICATION,
    FOR_ONESELF,
    IB_KEY,
    LESS_SECURE,
    TEMPORARY_DEVICE,
)
from tests.factories import ClientFactory, UserFactory, give_device
from tests.login_helpers import card_answer

from .sharing_helpers import (
    device_step,
    give_passcode,
    logged_in,
    matching_records_users,
    owner_step,
    page_text,
    same_person_users,
    share_through_pages,
)

pytestmark = pytest.mark.django_db


def refusal_after_credentials(requester, owner) -> str:
    client = logged_in(requester)
    assert owner_step(client, owner.username).status_code == 302
    page = device_step(client)
    assert page.status_code == 409
    assert not DeviceShare.objects.exists()
    return page.context["message"]


def test_H1a_users_of_one_person_share_at_once():
    requester, owner = same_person_users("scc", "dsc_plus")

    status = share_through_pages(logged_in(requester), owner)

    share = DeviceShare.objects.get()
    assert share.status == DeviceShare.Status.APPROVED
    assert "Approved" in page_text(status)


def test_H1a_different_clients_with_matching_identification_may_share():
    requester, owner = matching_records_users("scc", "dsc_plus")

    share_through_pages(logged_in(requester), owner)

    assert DeviceShare.objects.get().status == DeviceShare.Status.PENDING


def test_H1a_H4_different_identification_information():
    requester = UserFactory(device="scc")
    owner = UserFactory(client=ClientFactory(date_of_birth=requester.client.date_of_birth))

    assert refusal_after_credentials(requester, owner) == DIFFERENT_IDENTIFICATION
    event = AuditEvent.objects.get(event_type=AuditEventType.SHARE_REFUSED)
    assert event.subject == requester
    assert event.detail["reason"] == "different_identification"


def test_H1a_one_different_item_is_enough_to_refuse():
    requester, owner = matching_records_users("scc", "dsc_plus")
    owner.client.citizenship = "FR"
    owner.client.save()

    assert refusal_after_credentials(requester, owner) == DIFFERENT_IDENTIFICATION


def test_H1b_requester_with_a_temporary_passcode_is_refused(support_agent):
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    give_passcode(requester, support_agent)

    assert owner_step(client, owner.username).status_code == 302
    page = device_step(client)

    assert page.context["message"] == TEMPORARY_DEVICE
    assert "temporary security device" in page_text(page)


def test_H1b_owner_with_a_temporary_passcode_is_refused(support_agent):
    requester, owner = same_person_users("scc", "dsc_plus")
    give_passcode(owner, support_agent)

    assert refusal_after_credentials(requester, owner) == TEMPORARY_DEVICE


def test_H1b_an_expired_temporary_passcode_no_longer_counts(support_agent):
    requester, owner = same_person_users("scc", "dsc_plus")
    give_passcode(owner, support_agent)

    with time_machine.travel(timezone.now() + timedelta(days=13), tick=False):
        share_through_pages(logged_in(requester), owner)

    assert DeviceShare.objects.get().status == DeviceShare.Status.APPROVED


def test_H1c_H4_less_secure_device():
    requester, owner = same_person_users("dsc_plus", "scc")

    assert refusal_after_credentials(requester, owner) == LESS_SECURE


def test_H1c_the_owners_weaker_card_is_less_secure_than_the_owners_stronger_one():
    requester, owner = same_person_users("scc", "dsc_plus")
    scc = give_device(owner, "scc")
    client = logged_in(requester)
    owner_step(client, owner.username)

    page = device_step(client, scc)

    assert page.context["message"] == LESS_SECURE


def test_H1c_devices_of_equal_level_are_both_eligible():
    requester, owner = same_person_users("dsc_plus", "platinum")

    share_through_pages(logged_in(requester), owner)

    assert DeviceShare.objects.get().authenticator.kind == "platinum"


def test_H1_only_physical_cards_are_shareable():
    requester, owner = same_person_users("scc", "sms")

    message = refusal_after_credentials(requester, owner)

    assert message.startswith("Only a physical device can be shared")


def test_H1_K3_an_ib_key_owner_is_pointed_to_add_user():
    requester, owner = same_person_users("scc", "ib_key")

    assert refusal_after_credentials(requester, owner) == IB_KEY
    assert "Add user" in IB_KEY


def test_H1_K3_an_ib_key_requester_is_pointed_to_add_user():
    requester, owner = same_person_users("ib_key", "dsc_plus")
    client = logged_in_ib_key(requester)
    owner_step(client, owner.username)

    assert device_step(client).context["message"] == IB_KEY


def logged_in_ib_key(user):
    """An IB Key user's verified session, as if the push had been approved."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.securitydevice_set.get().persistent_id
    session.save()
    return client


def test_H1_a_request_for_oneself_is_refused():
    requester, _ = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)

    page = owner_step(client, requester.username)

    assert page.status_code == 200
    assert FOR_ONESELF in page_text(page)
    assert AuditEvent.objects.filter(event_type=AuditEventType.SHARE_REFUSED).count() == 1


def test_H2_entry_share_device_from_the_device_list():
    requester, _ = same_person_users("scc", "dsc_plus")

    page = logged_in(requester).get(reverse("accounts:secure_login"))

    assert "Share Device" in page_text(page)
    assert "under a different username" not in page_text(page)


def test_H2_entry_without_an_active_device(support_agent):
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    card = requester.securitydevice_set.get().authenticator
    device_report(authenticator=card, state="lost", agent=support_agent, client=SYSTEM)

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

    assert "does not match the device" in page_text(replay)
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


def test_H2_answering_the_card_is_refused_for_staff_users(support_agent):
    client = logged_in(support_agent)

    assert client.get(reverse("sharing:owner")).status_code == 404
