"""Compliance review of shares (H3) and the redundant devices kept and given back (H5):
both users log in with the shared card; cancelling brings the weaker card back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices.models import Authenticator, DeviceShare, SecurityDevice
from devices.roles import COMPLIANCE_GROUP, COMPLIANCE_PERMISSIONS
from devices.selectors import active_devices
from devices.sharing import services as sharing_services
from devices.sharing.rules import ALREADY_OPEN, ShareRefused
from devices.sharing.services import NOTHING_TO_GO_BACK_TO, share_approve, share_request
from tests.devices.sharing.helpers import (
    compliance_officer,
    give_passcode,
    logged_in,
    matching_records_users,
    page_text,
    same_person_users,
    share_through_pages,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import device_page, full_login, is_logged_in, post_login

pytestmark = pytest.mark.django_db

SHARES = "admin:devices_deviceshare_changelist"


def decide(client: HttpClient, share: DeviceShare, action: str, reason: str):
    return client.post(
        reverse(SHARES),
        {"action": action, "_selected_action": [share.pk], "reason": reason},
        follow=True,
    )


def login_device(user) -> SecurityDevice:
    """The device a fresh login of `user` asks for (the strongest in use, L4)."""
    client = HttpClient()
    post_login(client, user.username, DEFAULT_PASSWORD)
    return device_page(client).context["device"]


def test_H3_matching_records_wait_for_compliance_then_share():
    requester, owner = matching_records_users("scc", "dsc_plus")
    share_through_pages(logged_in(requester), owner)
    share = DeviceShare.objects.get()
    assert share.status == DeviceShare.Status.PENDING
    assert login_device(requester).authenticator.kind == "scc"
    officer = compliance_officer()

    page = decide(logged_in(officer), share, "approve", "Both records are one person")

    assert f"Shares approved: {share.pk}." in page_text(page)
    share.refresh_from_db()
    assert share.status == DeviceShare.Status.APPROVED and share.decided_by == officer
    event = AuditEvent.objects.filter(event_type=AuditEventType.SHARE_APPROVED).first()
    assert event.actor == officer and event.detail["reason"] == "Both records are one person"
    assert login_device(requester).authenticator == owner.securitydevice_set.get().authenticator
    assert is_logged_in_with_card(requester)


def is_logged_in_with_card(user) -> bool:
    client = HttpClient()
    full_login(client, user.username, DEFAULT_PASSWORD)
    return is_logged_in(client)


def test_H3_compliance_rejects_with_the_reason_in_the_trail():
    requester, owner = matching_records_users("scc", "dsc_plus")
    share_through_pages(logged_in(requester), owner)
    share = DeviceShare.objects.get()

    decide(logged_in(compliance_officer()), share, "reject", "Records belong to two people")

    share.refresh_from_db()
    assert share.status == DeviceShare.Status.REJECTED
    event = AuditEvent.objects.filter(event_type=AuditEventType.SHARE_REJECTED).first()
    assert event.detail["reason"] == "Records belong to two people"
    assert login_device(requester).authenticator.kind == "scc"


def test_H3_a_decision_needs_a_reason():
    requester, owner = matching_records_users("scc", "dsc_plus")
    share_through_pages(logged_in(requester), owner)

    page = decide(logged_in(compliance_officer()), DeviceShare.objects.get(), "approve", " ")

    assert "Give the reason for the decision." in page_text(page)
    assert DeviceShare.objects.get().status == DeviceShare.Status.PENDING


def test_H3_approval_checks_H1_again(support_agent):
    requester, owner = matching_records_users("scc", "dsc_plus")
    share_through_pages(logged_in(requester), owner)
    give_passcode(requester, support_agent)

    page = decide(logged_in(compliance_officer()), DeviceShare.objects.get(), "approve", "ok")

    assert "temporary security device" in page_text(page)
    assert DeviceShare.objects.get().status == DeviceShare.Status.PENDING


def test_H3_support_staff_cannot_decide_shares(support_agent):
    requester, owner = matching_records_users("scc", "dsc_plus")
    share_through_pages(logged_in(requester), owner)

    response = decide(logged_in(support_agent), DeviceShare.objects.get(), "approve", "ok")

    assert response.status_code == 403
    assert DeviceShare.objects.get().status == DeviceShare.Status.PENDING


def test_H3_the_compliance_group_has_least_privilege():
    compliance_officer()
    granted = {
        (p.content_type.app_label, p.codename)
        for p in Group.objects.get(name=COMPLIANCE_GROUP).permissions.all()
    }
    assert granted == set(COMPLIANCE_PERMISSIONS)
    assert not any(codename.startswith(("change_", "delete_", "add_")) for _, codename in granted)


def test_H5_same_person_users_share_the_stronger_card_and_the_weaker_comes_back():
    requester, owner = same_person_users("scc", "dsc_plus")
    scc = requester.securitydevice_set.get()
    card = owner.securitydevice_set.get().authenticator
    client = logged_in(requester)

    share_through_pages(client, owner)

    assert is_logged_in(client), "the session stays verified by the shared card"
    assert [d.authenticator for d in active_devices(requester)] == [card]
    scc.refresh_from_db()
    assert scc.confirmed is False, "the weaker card is kept, not deleted"
    assert is_logged_in_with_card(requester) and is_logged_in_with_card(owner)
    share = DeviceShare.objects.get()
    assert list(share.deactivated_devices.all()) == [scc]
    settings_page = page_text(client.get(reverse("accounts:secure_login")))
    assert "Not in use" in settings_page and "Cancel device sharing" in settings_page
    owners_page = logged_in(owner).get(reverse("accounts:secure_login"))
    assert "Users sharing your devices" in page_text(owners_page)
    assert "Device share approved" in page_text(owners_page)

    confirm = client.get(reverse("sharing:cancel", args=[share.pk]))
    assert DeviceShare.objects.get().status == DeviceShare.Status.APPROVED
    cancelled = client.post(reverse("sharing:cancel", args=[share.pk]))

    assert "Cancel device sharing" in page_text(confirm)
    assert cancelled["Location"] == reverse("accounts:login")
    assert not is_logged_in(client)
    assert [d.authenticator.kind for d in active_devices(requester)] == ["scc"]
    assert login_device(requester).authenticator.kind == "scc"
    assert is_logged_in_with_card(requester) and is_logged_in_with_card(owner)
    assert not SecurityDevice.objects.filter(user=requester, authenticator=card).exists()
    assert DeviceShare.objects.get().status == DeviceShare.Status.CANCELLED
    assert AuditEvent.objects.filter(event_type=AuditEventType.SHARE_CANCELLED).count() == 2


def test_H5_a_redundant_card_still_shared_by_another_user_stays_in_use():
    requester, owner = same_person_users("scc", "dsc_plus")
    co_user = UserFactory(client=requester.client, device="scc")
    share_through_pages(logged_in(co_user), requester)
    scc_card = requester.securitydevice_set.get().authenticator

    share_through_pages(logged_in(requester), owner)

    scc_card.refresh_from_db()
    assert scc_card.state == Authenticator.State.ACTIVE
    assert [d.authenticator for d in active_devices(co_user)] == [scc_card]
    assert is_logged_in_with_card(co_user)


def test_H5_cancel_refused_when_no_device_of_ones_own_would_remain():
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)
    card = requester.securitydevice_set.get().authenticator
    # The card stops working under this session; a report by support would end the
    # session too (G3), so the state is set directly.
    Authenticator.objects.filter(pk=card.pk).update(state=Authenticator.State.LOST)
    share_through_pages(client, owner)
    share = DeviceShare.objects.get()

    page = client.post(reverse("sharing:cancel", args=[share.pk]), follow=True)

    assert NOTHING_TO_GO_BACK_TO in page_text(page)
    assert DeviceShare.objects.get().status == DeviceShare.Status.APPROVED


def test_H5_cancelling_a_pending_share_changes_nothing_else():
    requester, owner = matching_records_users("scc", "dsc_plus")
    client = logged_in(requester)
    share_through_pages(client, owner)
    share = DeviceShare.objects.get()

    page = client.post(reverse("sharing:cancel", args=[share.pk]), follow=True)

    assert "Device sharing cancelled" in page_text(page)
    assert DeviceShare.objects.get().status == DeviceShare.Status.CANCELLED
    assert [d.authenticator.kind for d in active_devices(requester)] == ["scc"]


def test_H5_cancel_is_a_post_with_csrf_by_the_requester_only():
    requester, owner = same_person_users("scc", "dsc_plus")
    share_through_pages(logged_in(requester), owner)
    share = DeviceShare.objects.get()
    strict = HttpClient(enforce_csrf_checks=True)
    full_login(strict, requester.username, DEFAULT_PASSWORD)
    owner_client = logged_in(owner)

    assert strict.post(reverse("sharing:cancel", args=[share.pk])).status_code == 403
    assert owner_client.post(reverse("sharing:cancel", args=[share.pk])).status_code == 404
    assert DeviceShare.objects.get().status == DeviceShare.Status.APPROVED


def test_H2_a_second_concurrent_request_is_refused_by_the_service():
    requester, owner = matching_records_users("scc", "dsc_plus")
    card = owner.securitydevice_set.get().authenticator
    share_request(requester=requester, owner=owner, authenticator=card, client=SYSTEM)

    with pytest.raises(ShareRefused) as refused:
        share_request(requester=requester, owner=owner, authenticator=card, client=SYSTEM)

    assert refused.value.refusal.message == ALREADY_OPEN
    assert DeviceShare.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=AuditEventType.SHARE_REFUSED).count() == 1


def test_H2_the_database_allows_one_open_share_per_requester():
    requester, owner = matching_records_users("scc", "dsc_plus")
    card = owner.securitydevice_set.get().authenticator
    DeviceShare.objects.create(requester=requester, owner=owner, authenticator=card)

    with pytest.raises(IntegrityError):
        DeviceShare.objects.create(requester=requester, owner=owner, authenticator=card)


def share_events():
    return AuditEvent.objects.filter(event_type__startswith="share.")


def dies_on_email(monkeypatch):
    """The e-mails are the last step of an approval: failing there, as a worker killed
    there would, follows every row and event the approval wrote."""

    def fail(**email):
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(sharing_services, "security_email_send", fail)


def test_H3_H5_a_failure_in_an_approval_at_once_leaves_nothing(monkeypatch):
    """share_request is one transaction: the share, the requester's device on the card,
    the devices set aside and both users' events, all or none."""
    requester, owner = same_person_users("scc", "dsc_plus")
    card = owner.securitydevice_set.get().authenticator
    dies_on_email(monkeypatch)

    with pytest.raises(RuntimeError):
        share_request(requester=requester, owner=owner, authenticator=card, client=SYSTEM)

    assert not DeviceShare.objects.exists()
    assert not share_events().exists()
    assert [d.authenticator.kind for d in active_devices(requester)] == ["scc"]
    assert not SecurityDevice.objects.filter(user=requester, authenticator=card).exists()


def test_H3_H5_a_failure_in_compliance_approval_leaves_the_share_pending(monkeypatch):
    requester, owner = matching_records_users("scc", "dsc_plus")
    card = owner.securitydevice_set.get().authenticator
    share = share_request(requester=requester, owner=owner, authenticator=card, client=SYSTEM)
    events = list(share_events().values_list("pk", flat=True))
    dies_on_email(monkeypatch)

    with pytest.raises(RuntimeError):
        share_approve(share=share, actor=compliance_officer(), reason="One person", client=SYSTEM)

    share.refresh_from_db()
    assert share.status == DeviceShare.Status.PENDING and share.decided_at is None
    assert list(share_events().values_list("pk", flat=True)) == events
    assert [d.authenticator.kind for d in active_devices(requester)] == ["scc"]
    assert not SecurityDevice.objects.filter(user=requester, authenticator=card).exists()
