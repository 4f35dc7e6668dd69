"""Who may share a device (H1, H4, KB2481), through the pages of Settings → Secure Login
System: the same person or matching identification data, no temporary device, the most
secure card; IB Key users pointed to "Add user"."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import AuditEvent, AuditEventType, LoginFailure
from devices.models import DeviceShare
from devices.sharing.rules import (
    DIFFERENT_IDENTIFICATION,
    FOR_ONESELF,
    IB_KEY,
    LESS_SECURE,
    NOT_THE_HOLDER,
    OPTED_OUT,
    TEMPORARY_DEVICE,
    Refusal,
    share_refusal,
)
from tests.devices.sharing.helpers import (
    device_step,
    give_passcode,
    logged_in,
    matching_records_users,
    owner_step,
    page_text,
    same_person_users,
    share_through_pages,
)
from tests.factories import ClientFactory, UserFactory, give_device

pytestmark = pytest.mark.django_db


def refusal_after_credentials(requester, owner) -> str:
    client = logged_in(requester)
    assert owner_step(client, owner.username).status_code == 302
    page = device_step(client)
    assert page.status_code == 409
    assert not DeviceShare.objects.filter(requester=requester).exists()
    return page.context["message"]


def test_H1a_users_of_one_person_share_at_once():
    requester, owner = same_person_users("scc", "dsc_plus")

    status = share_through_pages(logged_in(requester), owner)

    share = DeviceShare.objects.get()
    assert share.status == DeviceShare.Status.APPROVED
    assert "Approved" in page_text(status)


def test_O3_an_opted_out_account_loses_device_sharing():
    requester, owner = same_person_users("scc", "dsc_plus")
    requester.account.sls_opted_out = True
    requester.account.save(update_fields=["sls_opted_out"])

    assert refusal_after_credentials(requester, owner) == OPTED_OUT


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


@pytest.mark.parametrize(
    "age",
    [timedelta(days=2), timedelta(days=7), timedelta(days=12, seconds=-1)],
    ids=["day-2", "day-7", "last-second-of-day-11"],
)
def test_H1_passcode_in_portal_only_days_blocks_sharing(support_agent, age):
    """H1b, T2: after its first two days the passcode no longer opens the trading platform,
    but until its last window closes (day 12) its holder still has a temporary device."""
    requester, owner = same_person_users("scc", "dsc_plus")
    give_passcode(owner, support_agent)

    with time_machine.travel(timezone.now() + age, tick=False):
        assert refusal_after_credentials(requester, owner) == TEMPORARY_DEVICE
        assert share_refusal(
            requester=requester,
            owner=owner,
            authenticator=owner.securitydevice_set.get(
                authenticator__kind="dsc_plus"
            ).authenticator,
            at=timezone.now(),
        ) == Refusal("temporary_device", TEMPORARY_DEVICE)

    event = AuditEvent.objects.get(event_type=AuditEventType.SHARE_REFUSED)
    assert event.detail["reason"] == "temporary_device"


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

    refused = owner_step(client, owner.username)

    assert refused.status_code == 409
    assert refused.context["message"] == IB_KEY


def test_K3_H4_ib_key_user_opening_share_device_is_told_about_add_user_first():
    """KB2481: IB Key users add users in the app. A user whose only device is IB Key is
    told so on Settings -> Secure Login System and when opening the wizard, before any
    credentials, and never "Different identification information" for an unrelated
    owner."""
    requester = UserFactory(device="ib_key")
    owner = UserFactory(device="dsc_plus")
    client = logged_in_ib_key(requester)

    settings_page = client.get(reverse("accounts:secure_login"))
    opened = client.get(reverse("sharing:owner"))
    posted = owner_step(client, owner.username, password="not-the-owners-password")

    assert IB_KEY in page_text(settings_page)
    assert reverse("sharing:owner") not in settings_page.content.decode()
    for page in (opened, posted):
        assert page.status_code == 409
        assert page.context["message"] == IB_KEY
        assert "form" not in page.context
    assert "Add user" in IB_KEY and DIFFERENT_IDENTIFICATION not in page_text(posted)
    assert not LoginFailure.objects.filter(user=owner).exists()
    assert not DeviceShare.objects.exists()
    refusals = AuditEvent.objects.filter(event_type=AuditEventType.SHARE_REFUSED, subject=requester)
    assert [event.detail["reason"] for event in refusals] == ["ib_key", "ib_key"]
    card = owner.securitydevice_set.get().authenticator
    refusal = share_refusal(requester=requester, owner=owner, authenticator=card, at=timezone.now())
    assert refusal is not None and refusal.message == IB_KEY


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


def test_H1b_a_user_already_sharing_the_card_counts_as_a_participant(support_agent):
    requester, owner = same_person_users("scc", "dsc_plus")
    co_user = UserFactory(client=owner.client, device="scc")
    share_through_pages(logged_in(co_user), owner)
    give_passcode(co_user, support_agent)

    assert refusal_after_credentials(requester, owner) == TEMPORARY_DEVICE


def test_H1_the_owner_is_the_user_the_card_belongs_to():
    requester, owner = same_person_users("scc", "dsc_plus")
    co_user = UserFactory(client=owner.client, device="scc")
    share_through_pages(logged_in(co_user), owner)

    client = logged_in(requester)
    owner_step(client, co_user.username)
    page = device_step(client)

    assert page.context["message"] == NOT_THE_HOLDER
    assert DeviceShare.objects.count() == 1
