"""End-to-end replays against the support desk's identification check (T1, G1), through
the real admin views with the test client.

1. Someone at the support desk (or holding an agent's session) tries to learn a client's
   SSN by guessing it in the passcode form: each guess answers only "no match", the trail
   records each check without the guess, and after the per-client limit even the right
   SSN is refused, so the form is no oracle; the client's own login is untouched.
2. The pages staff read (the passcode form, the client's list and page, Compliance's
   share page) never carry a date of birth or an SSN in full.
3. A replayed POST of a check is refused by the one-time form token: nothing is checked
   or issued again.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.conf import THROTTLE_LIMITS
from accounts.models import AuditEvent, AuditEventType, AuditOutcome
from accounts.roles import SECURITY_TEAM_GROUP, security_team_group_sync
from accounts.services.lockout import lockout_is_active
from devices.models import DeviceShare, TemporaryDevice
from tests.devices.sharing.helpers import compliance_officer, logged_in, share_through_pages
from tests.factories import DEFAULT_PASSWORD, ClientFactory, StaffFactory, UserFactory
from tests.login_helpers import full_login, is_logged_in

pytestmark = pytest.mark.django_db

ISSUE = "admin:accounts_user_temporary_passcode"
SSN = "219-09-9999"
DATE_OF_BIRTH = datetime.date(1990, 6, 21)
FULL_VALUES = (SSN, "219099999", "1990-06-21", "June 21, 1990", "21/06/1990", "06/21/1990")
GUESSES_PER_CLIENT, _ = THROTTLE_LIMITS["identification_user"]


def us_person(**fields):
    data = {
        "citizenship": "US",
        "residence_country": "US",
        "id_document_type": "ssn",
        "id_document_number": SSN,
        "date_of_birth": DATE_OF_BIRTH,
    }
    return ClientFactory(**{**data, **fields})


@pytest.fixture
def victim():
    return UserFactory(username="victim", client=us_person())


@pytest.fixture
def desk(support_agent):
    client = HttpClient()
    full_login(client, support_agent.username, DEFAULT_PASSWORD)
    return client


def check(desk, user, ssn, date_of_birth="1990-06-21"):
    url = reverse(ISSUE, args=[user.pk])
    token = desk.get(url).context["token"]
    return desk.post(
        url,
        {
            "ssn": ssn,
            "date_of_birth": date_of_birth,
            "reason": "lost",
            "confirm": "on",
            "token": token,
        },
    )


def checks():
    return AuditEvent.objects.filter(event_type=AuditEventType.IDENTIFICATION_CHECKED).order_by(
        "id"
    )


def assert_nothing_in_full(text):
    for value in FULL_VALUES:
        assert value not in text


def test_T1_G1_guessing_an_ssn_through_the_passcode_form_is_stopped(desk, victim, support_agent):
    guesses = [f"219-09-{n:04d}" for n in range(GUESSES_PER_CLIENT)]

    answers = [check(desk, victim, guess) for guess in guesses]
    right_one_too_late = check(desk, victim, SSN)

    for page in answers:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Social Security Number: <strong>no match</strong>" in html
        assert_nothing_in_full(html)
    late = right_one_too_late.content.decode()
    assert "Too many identification checks for this client" in late
    assert "<strong>match</strong>" not in late
    assert not TemporaryDevice.objects.filter(user_devices__user=victim).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PASSCODE_ISSUED).exists()
    trail = list(checks())
    assert len(trail) == GUESSES_PER_CLIENT + 1
    assert all(event.outcome == AuditOutcome.FAILURE for event in trail)
    assert all(event.actor == support_agent and event.subject == victim for event in trail)
    assert [event.detail["not_matched"] for event in trail[:-1]] == [["ssn"]] * len(guesses)
    assert trail[-1].detail["reason"] == "throttled"
    recorded = str([event.detail for event in trail])
    assert_nothing_in_full(recorded)
    assert not any(guess in recorded or guess.replace("-", "") in recorded for guess in guesses)
    # The client is not locked out by someone else's guesses.
    assert not lockout_is_active(user=victim, at=timezone.now())
    own = HttpClient()
    full_login(own, victim.username, DEFAULT_PASSWORD)
    assert is_logged_in(own)


def test_T1_G1_the_limit_counts_per_client_not_per_user_of_it(desk):
    person = us_person()
    first, second = UserFactory(client=person), UserFactory(client=person)

    for _ in range(GUESSES_PER_CLIENT):
        check(desk, first, "000-00-0000")
    page = check(desk, second, SSN)

    assert "Too many identification checks for this client" in page.content.decode()
    assert not TemporaryDevice.objects.exists()


def test_T1_G1_a_replayed_check_is_not_checked_again(desk, victim):
    url = reverse(ISSUE, args=[victim.pk])
    token = desk.get(url).context["token"]
    body = {"ssn": "1", "date_of_birth": "1990-06-21", "reason": "lost", "confirm": "on"}
    first = desk.post(url, {**body, "ssn": "111-11-1111", "token": token})

    replay = desk.post(url, {**body, "ssn": SSN, "token": token})

    assert first.status_code == 200
    assert replay.status_code == 302
    assert checks().count() == 1
    assert not TemporaryDevice.objects.exists()


def test_T1_G1_staff_pages_never_carry_identification_data_in_full(desk, victim):
    pages = [
        desk.get(reverse(ISSUE, args=[victim.pk])),
        desk.get(reverse("admin:accounts_client_changelist")),
        desk.get(reverse("admin:accounts_client_change", args=[victim.client_id])),
        desk.get(reverse("admin:accounts_user_change", args=[victim.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        assert_nothing_in_full(page.content.decode())
    assert "ending 9999" in pages[2].content.decode()


def test_T1_G1_client_search_does_not_look_into_document_numbers(desk, victim):
    listing = reverse("admin:accounts_client_changelist")

    by_fragment = desk.get(listing, {"q": "219-09"})
    by_name = desk.get(listing, {"q": victim.client.name})

    assert list(by_fragment.context["cl"].result_list) == []
    assert list(by_name.context["cl"].result_list) == [victim.client]


def test_H3_G1_compliance_compares_records_without_seeing_them_in_full():
    requester = UserFactory(client=us_person(name="First record"), device="scc")
    owner = UserFactory(
        client=us_person(name="Second record", id_document_number="219 09 9999"),
        device="dsc_plus",
    )
    share_through_pages(logged_in(requester), owner)
    share = DeviceShare.objects.get()

    page = logged_in(compliance_officer()).get(
        reverse("admin:devices_deviceshare_change", args=[share.pk])
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert_nothing_in_full(html)
    assert "219 09 9999" not in html
    assert html.count("ending 9999") == 2
    assert "date of birth: same" in html
    assert "identification document number: same" in html


def test_T1_G1_security_team_reads_clients_masked(victim):
    security_team_group_sync()
    officer = StaffFactory(username="security")
    officer.groups.add(Group.objects.get(name=SECURITY_TEAM_GROUP))
    browser = HttpClient()
    full_login(browser, officer.username, DEFAULT_PASSWORD)

    page = browser.get(reverse("admin:accounts_client_change", args=[victim.client_id]))

    assert page.status_code == 200
    assert_nothing_in_full(page.content.decode())
