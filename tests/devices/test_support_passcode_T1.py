"""Issuing a temporary passcode in the admin (T1): the agent records what the caller
confirmed and why; the code (D3) is shown once, stored only as a hash (D4), and the audit
trail names the agent."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import AuditEvent, AuditEventType
from accounts.roles import SUPPORT_GROUP, SUPPORT_PERMISSIONS
from devices.models import Authenticator, TemporaryDevice
from tests.factories import ClientFactory, StaffFactory, UserFactory
from tests.login_helpers import full_login

pytestmark = pytest.mark.django_db

ISSUE = "admin:accounts_user_temporary_passcode"
CODE_ON_PAGE = re.compile(r'data-testid="temporary-passcode"><strong><code>([^<]*)</code>')


@pytest.fixture
def agent_client(client, support_agent, password):
    full_login(client, support_agent.username, password)
    return client


@pytest.fixture
def caller():
    return UserFactory(username="carol", client=ClientFactory(id_document_number="P12345678"))


def issue_form(client, user):
    """Open the form as the agent would; its one-time token comes with it."""
    page = client.get(reverse(ISSUE, args=[user.pk]))
    assert page.status_code == 200
    return page


def post_issue(client, user, token, **fields):
    data = {
        "confirmed": ["date_of_birth", "id_document"],
        "reason": "lost",
        "confirm": "on",
        "token": token,
        **fields,
    }
    return client.post(reverse(ISSUE, args=[user.pk]), data)


def passcodes(user):
    return TemporaryDevice.objects.filter(kind="temporary_passcode", user_devices__user=user)


def test_T1_support_group_from_the_migrations_has_exactly_its_permissions():
    """Least privilege: every listed permission exists (none silently left out), no more."""
    granted = Group.objects.get(name=SUPPORT_GROUP).permissions
    pairs = granted.values_list("content_type__app_label", "codename")

    assert sorted(pairs) == sorted(SUPPORT_PERMISSIONS)


def test_T1_user_page_links_to_the_passcode_view_for_support(agent_client, caller):
    page = agent_client.get(reverse("admin:accounts_user_change", args=[caller.pk]))

    assert "Issue temporary passcode" in page.content.decode()
    assert reverse(ISSUE, args=[caller.pk]) in page.content.decode()


def test_T1_form_shows_the_identification_data_on_file_beside_each_item(agent_client, caller):
    html = issue_form(agent_client, caller).content.decode()

    assert "Date of birth: on file 1985-01-01" in html
    assert "Identification document type and number: on file Passport P12345678" in html
    assert "Citizenship: on file United Kingdom (GB)" in html
    assert "Social Security Number" not in html


def test_T1_us_person_is_asked_for_the_ssn_once(agent_client):
    us_client = ClientFactory(
        citizenship="US", residence_country="US", id_document_type="ssn", id_document_number="1"
    )
    html = issue_form(agent_client, UserFactory(client=us_client)).content.decode()

    assert "Social Security Number: on file 1" in html
    assert "Identification document type and number" not in html


def test_T1_D3_D4_support_issues_a_passcode_shown_once(agent_client, caller, support_agent):
    token = issue_form(agent_client, caller).context["token"]

    response = post_issue(agent_client, caller, token)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = CODE_ON_PAGE.search(response.content.decode()).group(1)
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    device = passcodes(caller).get()
    assert device.state == Authenticator.State.ACTIVE
    assert check_password(code, device.code_hash)
    assert code not in device.code_hash
    event = AuditEvent.objects.get(event_type=AuditEventType.PASSCODE_ISSUED)
    assert (event.actor, event.subject) == (support_agent, caller)
    assert event.detail["confirmed"] == ["date_of_birth", "id_document"]
    assert event.detail["reason"] == "lost"
    assert code not in str(event.detail)
    assert code not in str(dict(agent_client.session.items()))

    reload = post_issue(agent_client, caller, token)
    assert reload.status_code == 302
    again = agent_client.get(reload["Location"]).content.decode()
    assert "a passcode is shown only once" in again
    assert code not in again
    assert passcodes(caller).get() == device
    assert AuditEvent.objects.filter(event_type=AuditEventType.PASSCODE_ISSUED).count() == 1


def test_T1_a_new_passcode_ends_the_earlier_one(agent_client, caller):
    post_issue(agent_client, caller, issue_form(agent_client, caller).context["token"])
    post_issue(agent_client, caller, issue_form(agent_client, caller).context["token"])

    states = sorted(passcodes(caller).values_list("state", flat=True))
    assert states == [Authenticator.State.ACTIVE, Authenticator.State.REVOKED]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"confirmed": ["date_of_birth"]}, "Confirm at least 2 items"),
        ({"confirmed": []}, "Confirm at least 2 items"),
        ({"confirmed": ["date_of_birth", "ssn"]}, "Select a valid choice"),
        ({"reason": ""}, "This field is required"),
        ({"reason": "stolen-by-aliens"}, "Select a valid choice"),
        ({"confirm": ""}, "This field is required"),
    ],
)
def test_T1_too_little_confirmed_or_no_reason_is_a_form_error(agent_client, caller, fields, error):
    token = issue_form(agent_client, caller).context["token"]

    response = post_issue(agent_client, caller, token, **fields)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CODE_ON_PAGE.search(response.content.decode())
    assert not passcodes(caller).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PASSCODE_ISSUED).exists()


def test_T1_a_forged_or_missing_form_token_issues_nothing(agent_client, caller):
    issue_form(agent_client, caller)

    for token in ("forged", ""):
        response = post_issue(agent_client, caller, token)
        assert response.status_code == 302

    assert not passcodes(caller).exists()


def test_T1_staff_without_the_permission_get_403_and_no_button(client, caller, password):
    clerk = StaffFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    full_login(client, clerk.username, password)

    page = client.get(reverse("admin:accounts_user_change", args=[caller.pk]))
    assert page.status_code == 200
    assert "Issue temporary passcode" not in page.content.decode()
    assert client.get(reverse(ISSUE, args=[caller.pk])).status_code == 403
    assert post_issue(client, caller, "any").status_code == 403
    assert not passcodes(caller).exists()


def test_T1_unknown_ids_and_staff_users_are_404(agent_client, support_agent):
    for user_id in ("999999", "abc", str(support_agent.pk)):
        url = reverse("admin:index") + f"accounts/user/{user_id}/temporary-passcode/"
        assert agent_client.get(url).status_code == 404
        assert agent_client.post(url, {"reason": "lost"}).status_code == 404
    assert not TemporaryDevice.objects.exists()
