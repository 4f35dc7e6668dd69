"""O3 (KB1131): bank instructions and e-mail changes are self-service, after a fresh second
factor, for an enrolled account; for an opted-out account they are queued for the Security
Team, who approve (the change is applied) or reject them in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import (
    Account,
    AuditEvent,
    AuditEventType,
    BankInstruction,
    LoginFailure,
    SecurityTeamRequest,
    User,
)
from accounts.roles import SECURITY_TEAM_GROUP, SECURITY_TEAM_PERMISSIONS
from accounts.services.security_requests import security_request_approve
from tests.accounts.sls_helpers import logged_in, post_with_fresh_factor
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

BANK = "settings:bank_instructions"
EMAIL = "settings:email"
REQUESTS = "admin:accounts_securityteamrequest_changelist"
US_BANK = {
    "bank_name": "First Example Bank",
    "account_holder": "Alice Example",
    "routing_number": "011000015",
    "account_number": "123456789",
}
IBAN_BANK = {
    "bank_name": "Example Bank plc",
    "account_holder": "Alice Example",
    "routing_number": "",
    "account_number": "GB82 WEST 1234 5698 7654 32",
}


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def opted_out_alice(alice):
    Account.objects.filter(pk=alice.account_id).update(sls_opted_out=True)
    return alice


@pytest.fixture
def security_team_client(db):
    member = StaffFactory(username="secteam")
    member.groups.add(Group.objects.get(name=SECURITY_TEAM_GROUP))
    return logged_in(member)


def test_O3_security_team_group_has_exactly_its_permissions(db):
    group = Group.objects.get(name=SECURITY_TEAM_GROUP)
    granted = {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }
    assert granted == set(SECURITY_TEAM_PERMISSIONS)
    assert ("accounts", "change_bankinstruction") not in granted


def test_O3_enrolled_bank_instructions_change_is_self_service(alice):
    client = logged_in(alice)

    response = post_with_fresh_factor(client, reverse(BANK), US_BANK)

    assert response["Location"] == reverse(BANK)
    instruction = BankInstruction.objects.get(account=alice.account)
    assert (instruction.routing_number, instruction.account_number) == ("011000015", "123456789")
    assert not SecurityTeamRequest.objects.exists()
    event = AuditEvent.objects.get(event_type=AuditEventType.BANK_INSTRUCTIONS_CHANGED)
    assert event.detail == {"bank_name": "First Example Bank", "account_last4": "6789"}
    page = client.get(reverse(BANK)).content.decode()
    assert "Your bank instructions have been updated." in page
    assert "ending 6789" in page


def test_O3_iban_is_compacted_and_accepted(alice):
    post_with_fresh_factor(logged_in(alice), reverse(BANK), IBAN_BANK)

    assert BankInstruction.objects.get().account_number == "GB82WEST12345698765432"


def test_O3_bank_change_needs_the_fresh_second_factor(alice):
    response = post_with_fresh_factor(logged_in(alice), reverse(BANK), US_BANK, right=False)

    assert "Login failed" in response.content.decode()
    assert LoginFailure.objects.filter(user=alice).count() == 1
    assert not BankInstruction.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"routing_number": "011000016"}, "routing_number"),
        ({"routing_number": "12345"}, "routing_number"),
        ({"account_number": "12"}, "account_number"),
        ({"routing_number": "", "account_number": "GB82WEST12345698765433"}, "account_number"),
        ({"routing_number": "", "account_number": "not an iban"}, "account_number"),
        ({"bank_name": ""}, "bank_name"),
        ({"account_number": "1" * 60}, "account_number"),
    ],
)
def test_O3_bad_bank_details_are_form_errors_and_nothing_changes(alice, changes, field):
    response = post_with_fresh_factor(logged_in(alice), reverse(BANK), {**US_BANK, **changes})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not BankInstruction.objects.exists()
    assert not LoginFailure.objects.exists()


def test_O3_opted_out_bank_change_is_queued_then_approved_in_the_admin(
    opted_out_alice, security_team_client
):
    client = logged_in(opted_out_alice)
    response = post_with_fresh_factor(client, reverse(BANK), US_BANK, right=True)

    assert response["Location"] == reverse(BANK)
    assert not BankInstruction.objects.exists()
    request = SecurityTeamRequest.objects.get()
    assert (request.kind, request.status, request.user) == (
        "bank_instructions",
        "pending",
        opted_out_alice,
    )
    assert "a member of the team will call you" in client.get(reverse(BANK)).content.decode()
    assert AuditEvent.objects.filter(event_type=AuditEventType.SECURITY_REQUEST_QUEUED).exists()

    listing = security_team_client.get(reverse(REQUESTS))
    assert "Approve and apply" in listing.content.decode()
    security_team_client.post(
        reverse(REQUESTS), {"action": "approve", "_selected_action": [request.pk]}
    )

    request.refresh_from_db()
    assert request.status == SecurityTeamRequest.Status.APPROVED
    assert request.decided_by.username == "secteam"
    assert (
        BankInstruction.objects.get(account=opted_out_alice.account).routing_number == "011000015"
    )
    approved = AuditEvent.objects.get(event_type=AuditEventType.SECURITY_REQUEST_APPROVED)
    assert (approved.subject, approved.actor_username) == (opted_out_alice, "secteam")
    changed = AuditEvent.objects.get(event_type=AuditEventType.BANK_INSTRUCTIONS_CHANGED)
    assert changed.actor_username == "secteam"


def test_O3_enrolled_email_change_is_self_service(alice):
    post_with_fresh_factor(logged_in(alice), reverse(EMAIL), {"email": "new@example.com"})

    assert User.objects.get(pk=alice.pk).email == "new@example.com"
    assert AuditEvent.objects.filter(event_type=AuditEventType.EMAIL_CHANGED).exists()


def test_O3_opted_out_email_change_queued_then_rejected_changes_nothing(
    opted_out_alice, security_team_client
):
    post_with_fresh_factor(logged_in(opted_out_alice), reverse(EMAIL), {"email": "new@example.com"})
    request = SecurityTeamRequest.objects.get(kind="email")
    assert User.objects.get(pk=opted_out_alice.pk).email == "alice@example.com"

    security_team_client.post(
        reverse(REQUESTS), {"action": "reject", "_selected_action": [request.pk]}
    )

    request.refresh_from_db()
    assert request.status == SecurityTeamRequest.Status.REJECTED
    assert User.objects.get(pk=opted_out_alice.pk).email == "alice@example.com"
    assert AuditEvent.objects.filter(event_type=AuditEventType.SECURITY_REQUEST_REJECTED).exists()


def test_O3_opted_out_email_change_approved_is_applied(opted_out_alice, security_team_client):
    post_with_fresh_factor(logged_in(opted_out_alice), reverse(EMAIL), {"email": "new@example.com"})
    request = SecurityTeamRequest.objects.get(kind="email")

    security_team_client.post(
        reverse(REQUESTS), {"action": "approve", "_selected_action": [request.pk]}
    )

    assert User.objects.get(pk=opted_out_alice.pk).email == "new@example.com"


def test_O3_a_second_request_while_one_waits_is_refused(opted_out_alice):
    client = logged_in(opted_out_alice)
    post_with_fresh_factor(client, reverse(EMAIL), {"email": "one@example.com"})

    response = post_with_fresh_factor(client, reverse(EMAIL), {"email": "two@example.com"})

    assert "already waiting for the Security Team" in response.content.decode()
    assert SecurityTeamRequest.objects.count() == 1


def test_O3_a_decided_request_cannot_be_decided_again(opted_out_alice, security_team_client):
    post_with_fresh_factor(logged_in(opted_out_alice), reverse(EMAIL), {"email": "new@example.com"})
    request = SecurityTeamRequest.objects.get()
    member = User.objects.get(username="secteam")
    security_request_approve(request=request, agent=member, client=SYSTEM)

    with pytest.raises(ValidationError):
        security_request_approve(request=request, agent=member, client=SYSTEM)


def test_O3_support_can_neither_see_nor_decide_the_queue(opted_out_alice, support_agent):
    post_with_fresh_factor(logged_in(opted_out_alice), reverse(EMAIL), {"email": "new@example.com"})
    request = SecurityTeamRequest.objects.get()

    assert logged_in(support_agent).get(reverse(REQUESTS)).status_code == 403
    with pytest.raises(PermissionDenied):
        security_request_approve(request=request, agent=support_agent, client=SYSTEM)
    request.refresh_from_db()
    assert request.status == SecurityTeamRequest.Status.PENDING


def test_O3_viewer_without_decide_permission_gets_no_actions(opted_out_alice):
    viewer = StaffFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_securityteamrequest"))
    post_with_fresh_factor(logged_in(opted_out_alice), reverse(EMAIL), {"email": "new@example.com"})
    request = SecurityTeamRequest.objects.get()
    client = logged_in(viewer)

    listing = client.get(reverse(REQUESTS)).content.decode()
    client.post(reverse(REQUESTS), {"action": "approve", "_selected_action": [request.pk]})

    assert "Approve and apply" not in listing
    request.refresh_from_db()
    assert request.status == SecurityTeamRequest.Status.PENDING


@pytest.mark.parametrize("email", ["", "not-an-address", "a@" + "b" * 300 + ".com"])
def test_O3_bad_email_is_a_form_error(alice, email):
    response = post_with_fresh_factor(logged_in(alice), reverse(EMAIL), {"email": email})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"
