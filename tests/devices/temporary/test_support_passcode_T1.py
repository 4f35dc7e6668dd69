"""Issuing a temporary passcode in the admin (T1): the agent types what the caller says,
the portal answers "match" or "no match" per item without ever showing the data on file,
and only a full match issues a code (D3), shown once and stored only as a hash (D4); every
check and the issue are in the audit trail, naming the agent and no value."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, AuditEventType, AuditOutcome
from accounts.roles import SUPPORT_GROUP, SUPPORT_PERMISSIONS
from accounts.services.lockout import lockout_is_active
from devices.models import Authenticator, TemporaryDevice
from tests.factories import ClientFactory, StaffFactory, UserFactory
from tests.identification_helpers import answers_on_file
from tests.login_helpers import full_login, is_logged_in

pytestmark = pytest.mark.django_db

ISSUE = "admin:accounts_user_temporary_passcode"
CODE_ON_PAGE = re.compile(r'data-testid="temporary-passcode"><strong><code>([^<]*)</code>')


@pytest.fixture
def agent_client(client, support_agent, password):
    full_login(client, support_agent.username, password)
    return client


DATE_OF_BIRTH = datetime.date(1980, 4, 12)
SSN = "078-05-1120"
# The date of birth and the SSN in every form a page could print them.
FULL_VALUES = (
    "1980-04-12",
    "12/04/1980",
    "04/12/1980",
    "April 12, 1980",
    "Apr. 12, 1980",
    "12 April 1980",
    SSN,
    "078051120",
    "078 05 1120",
)


@pytest.fixture
def caller():
    return UserFactory(
        username="carol",
        client=ClientFactory(id_document_number="P12345678", date_of_birth=DATE_OF_BIRTH),
    )


@pytest.fixture
def us_caller():
    client = ClientFactory(
        citizenship="US",
        residence_country="US",
        id_document_type="ssn",
        id_document_number=SSN,
        date_of_birth=DATE_OF_BIRTH,
    )
    return UserFactory(username="dave", client=client)


def issue_form(client, user):
    """Open the form as the agent would; its one-time token comes with it."""
    page = client.get(reverse(ISSUE, args=[user.pk]))
    assert page.status_code == 200
    return page


def post_issue(client, user, token, **fields):
    data = {
        **answers_on_file(user.client),
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


def identification_events(outcome=None):
    events = AuditEvent.objects.filter(event_type=AuditEventType.IDENTIFICATION_CHECKED)
    return events.filter(outcome=outcome) if outcome else events


def assert_no_full_value(text):
    for value in FULL_VALUES:
        assert value not in text


def test_T1_G1_identification_check_never_shows_full_ssn(agent_client, us_caller):
    html = issue_form(agent_client, us_caller).content.decode()

    assert "SSN ending 1120" in html
    assert "Identification document number" not in html
    assert_no_full_value(html)


def test_T1_form_shows_no_date_of_birth_and_only_the_document_last_four(agent_client, caller):
    html = issue_form(agent_client, caller).content.decode()

    assert 'name="date_of_birth"' in html
    assert "Passport ending 5678" in html
    assert "P12345678" not in html and "12345678" not in html
    assert "Social Security Number" not in html
    assert_no_full_value(html)


def test_T1_a_short_document_number_is_not_shown_at_all(agent_client):
    short = UserFactory(client=ClientFactory(id_document_number="AB12"))

    html = issue_form(agent_client, short).content.decode()

    assert "Passport not shown" in html
    assert "AB12" not in html


def test_T1_D3_D4_support_issues_a_passcode_shown_once(agent_client, caller, support_agent):
    token = issue_form(agent_client, caller).context["token"]

    response = post_issue(agent_client, caller, token)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = CODE_ON_PAGE.search(response.content.decode()).group(1)
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    assert "Date of birth: <strong>match</strong>" in response.content.decode()
    assert_no_full_value(response.content.decode())
    assert "P12345678" not in response.content.decode()
    device = passcodes(caller).get()
    assert device.state == Authenticator.State.ACTIVE
    assert check_password(code, device.code_hash)
    assert code not in device.code_hash
    event = AuditEvent.objects.get(event_type=AuditEventType.PASSCODE_ISSUED)
    assert (event.actor, event.subject) == (support_agent, caller)
    assert event.detail["confirmed"] == ["date_of_birth", "id_document", "residence_country"]
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
    assert identification_events().count() == 1


def test_T1_a_new_passcode_ends_the_earlier_one(agent_client, caller):
    post_issue(agent_client, caller, issue_form(agent_client, caller).context["token"])
    post_issue(agent_client, caller, issue_form(agent_client, caller).context["token"])

    states = sorted(passcodes(caller).values_list("state", flat=True))
    assert states == [Authenticator.State.ACTIVE, Authenticator.State.REVOKED]


@pytest.mark.parametrize(
    ("ssn", "date_of_birth"),
    [
        ("078051120", "1980-04-12"),
        (" 078 05 1120 ", "1980/04/12"),
        ("078-05-1120", "12 April 1980"),
        ("078.05.1120", "April 12, 1980"),
        ("\uff10\uff17\uff18-05-1120", "19800412"),
    ],
)
def test_T1_G1_answers_match_without_separators_spaces_or_case(
    agent_client, us_caller, ssn, date_of_birth
):
    token = issue_form(agent_client, us_caller).context["token"]

    response = post_issue(
        agent_client,
        us_caller,
        token,
        ssn=ssn,
        date_of_birth=date_of_birth,
        residence_country="united states",
        citizenship="us",
    )

    assert CODE_ON_PAGE.search(response.content.decode())
    event = identification_events(AuditOutcome.SUCCESS).get()
    assert event.detail["matched"] == [
        "citizenship",
        "date_of_birth",
        "residence_country",
        "ssn",
    ]


def test_T1_G1_document_numbers_match_in_any_letter_case(agent_client, caller):
    token = issue_form(agent_client, caller).context["token"]

    response = post_issue(agent_client, caller, token, id_document="p 1234-5678")

    assert CODE_ON_PAGE.search(response.content.decode())


@pytest.mark.parametrize(
    "wrong",
    [
        {"ssn": "078-05-1121"},
        {"date_of_birth": "1980-12-04"},
        {"citizenship": "GB"},
    ],
)
def test_T1_G1_a_mismatch_refuses_the_passcode_and_changes_nothing(
    agent_client, us_caller, support_agent, wrong
):
    earlier = TemporaryDevice.objects.create(
        kind="temporary_passcode", serial="TMP-EARLIER", state=Authenticator.State.ACTIVE
    )
    us_caller.securitydevice_set.create(authenticator=earlier, name="earlier")
    token = issue_form(agent_client, us_caller).context["token"]

    response = post_issue(agent_client, us_caller, token, **wrong)

    html = response.content.decode()
    assert response.status_code == 200
    assert "did not match the data on file: no passcode was issued" in html
    assert "<strong>no match</strong>" in html
    assert not CODE_ON_PAGE.search(html)
    assert_no_full_value(html)
    earlier.refresh_from_db()
    assert earlier.state == Authenticator.State.ACTIVE
    assert list(passcodes(us_caller)) == [earlier]
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PASSCODE_ISSUED).exists()
    event = identification_events().get()
    assert event.outcome == AuditOutcome.FAILURE
    assert (event.actor, event.subject) == (support_agent, us_caller)
    assert event.detail["not_matched"] == sorted(wrong)
    assert_no_full_value(str(event.detail))
    assert "1121" not in str(event.detail) and "12-04" not in str(event.detail)


def test_T1_G1_the_audit_event_of_a_check_holds_items_never_values(agent_client, us_caller):
    token = issue_form(agent_client, us_caller).context["token"]
    post_issue(agent_client, us_caller, token, ssn="999-99-9999")
    token = issue_form(agent_client, us_caller).context["token"]
    post_issue(agent_client, us_caller, token)

    failed, passed = identification_events().order_by("id")
    assert (failed.outcome, passed.outcome) == (AuditOutcome.FAILURE, AuditOutcome.SUCCESS)
    assert failed.detail == {
        "matched": ["date_of_birth", "residence_country"],
        "not_matched": ["ssn"],
        "required": ["date_of_birth", "ssn"],
    }
    assert passed.detail["not_matched"] == []
    for event in (failed, passed):
        text = str(event.detail) + event.user_agent
        assert_no_full_value(text)
        assert "9999" not in text and "1120" not in text


def test_T1_G1_checks_are_throttled_per_client_without_locking_its_login(
    agent_client, us_caller, password, settings
):
    settings.SLS_THROTTLE_LIMITS = {"identification_user": (3, 3600)}
    for _ in range(3):
        token = issue_form(agent_client, us_caller).context["token"]
        post_issue(agent_client, us_caller, token, ssn="111-11-1111")

    token = issue_form(agent_client, us_caller).context["token"]
    response = post_issue(agent_client, us_caller, token)

    html = response.content.decode()
    assert "Too many identification checks for this client" in html
    assert "<strong>match</strong>" not in html
    assert not CODE_ON_PAGE.search(html)
    assert not passcodes(us_caller).exists()
    refused = identification_events().order_by("id").last()
    assert refused.outcome == AuditOutcome.FAILURE
    assert refused.detail["reason"] == "throttled"
    assert refused.detail["matched"] == []
    assert not lockout_is_active(user=us_caller, at=timezone.now())
    own_login = Client()
    full_login(own_login, us_caller.username, password)
    assert is_logged_in(own_login)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"reason": ""}, "This field is required"),
        ({"reason": "stolen-by-aliens"}, "Select a valid choice"),
        ({"confirm": ""}, "This field is required"),
        ({"date_of_birth": ""}, "This field is required"),
        ({"id_document": ""}, "This field is required"),
        ({"date_of_birth": "12/04/1980"}, "Type the date as YYYY-MM-DD"),
        ({"date_of_birth": "1980-02-31"}, "Type the date as YYYY-MM-DD"),
        ({"date_of_birth": "\u0661\u0669\u0668\u0660-04-12"}, "Type the date as YYYY-MM-DD"),
        ({"id_document": "9" * 100_000}, "at most 100 characters"),
        ({"id_document": "P1234\u00e95678"}, "letters and digits only"),
        ({"id_document": "\U0001f600"}, "letters and digits only"),
        ({"citizenship": "Atlantis"}, "two-letter code"),
    ],
)
def test_T1_bad_input_is_a_form_error_and_checks_nothing(agent_client, caller, fields, error):
    token = issue_form(agent_client, caller).context["token"]

    response = post_issue(agent_client, caller, token, **fields)

    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert not CODE_ON_PAGE.search(html)
    assert not passcodes(caller).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PASSCODE_ISSUED).exists()
    assert not identification_events().exists()


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
