"""Lost, damaged and returned devices in the admin (T1, T7), and the list of temporary
devices with their windows (T2, T3) at given times."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices.models import Authenticator
from devices.temporary.services import online_card_issue, passcode_issue
from tests.factories import StaffFactory, UserFactory
from tests.identification_helpers import caller_identified
from tests.login_helpers import full_login

pytestmark = pytest.mark.django_db

DEVICES = "admin:devices_authenticator_changelist"
TEMPORARY = "admin:devices_temporarydevice_changelist"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def agent_client(client, support_agent, password):
    full_login(client, support_agent.username, password)
    return client


@pytest.fixture
def holder():
    return UserFactory(username="dora", device="dsc_plus")


def card(user) -> Authenticator:
    return Authenticator.objects.get(user_devices__user=user, kind="dsc_plus")


def act(client, action: str, *authenticators: Authenticator):
    return client.post(
        reverse(DEVICES),
        {"action": action, "_selected_action": [a.pk for a in authenticators]},
        follow=True,
    )


@pytest.mark.parametrize(
    ("action", "state"), [("report_lost", "lost"), ("report_damaged", "damaged")]
)
def test_T1_support_marks_a_device_lost_or_damaged(
    agent_client, holder, support_agent, action, state
):
    device = card(holder)

    response = act(agent_client, action, device)

    assert f"{device} marked {state}." in response.content.decode()
    device.refresh_from_db()
    assert device.state == state
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_REPORTED)
    assert (event.actor, event.subject, event.detail["state"]) == (support_agent, holder, state)


def test_T7_support_records_a_returned_device(agent_client, holder, support_agent):
    device = card(holder)
    act(agent_client, "report_damaged", device)

    response = act(agent_client, "return_record", device)

    assert f"{device} recorded as returned." in response.content.decode()
    device.refresh_from_db()
    assert device.state == Authenticator.State.RETURNED
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_RETURNED)
    assert (event.actor, event.subject) == (support_agent, holder)


def test_T1_support_finds_the_device_by_user_name(agent_client, holder):
    listing = agent_client.get(reverse(DEVICES), {"q": "dora"}).content.decode()

    assert card(holder).serial in listing


def test_T1_T7_refused_cases_say_why_and_change_nothing(agent_client, holder, support_agent):
    returned = card(holder)
    act(agent_client, "return_record", returned)
    passcode_issue(
        user=holder,
        agent=support_agent,
        identification=caller_identified(holder, support_agent),
        reason="lost",
        client=SYSTEM,
    )
    temporary = Authenticator.objects.get(kind="temporary_passcode")
    events = AuditEvent.objects.count()

    cases = [
        ("report_lost", temporary, "Temporary devices are not reported"),
        ("return_record", temporary, "Temporary devices are not returned"),
        ("return_record", returned, f"{returned}: {returned} is already returned."),
        ("report_lost", returned, "is already returned."),
    ]
    for action, device, message in cases:
        assert message in act(agent_client, action, device).content.decode()

    assert AuditEvent.objects.count() == events
    returned.refresh_from_db()
    temporary.refresh_from_db()
    assert (returned.state, temporary.state) == ("returned", "active")


def test_T1_staff_without_the_permissions_cannot_report_or_return(client, holder, password):
    clerk = StaffFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_authenticator"))
    full_login(client, clerk.username, password)
    device = card(holder)

    listing = client.get(reverse(DEVICES)).content.decode()
    assert "Mark selected devices lost" not in listing
    for action in ("report_lost", "report_damaged", "return_record"):
        act(client, action, device)

    device.refresh_from_db()
    assert device.state == Authenticator.State.ACTIVE
    assert client.get(reverse(TEMPORARY)).status_code == 403


def rows(client: Client) -> dict[str, str]:
    """Each row of the temporary-device list as text, by serial."""
    html = client.get(reverse(TEMPORARY)).content.decode()
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        text = " | ".join(
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        )
        serial = re.search(r"(TMP|OSC)-[0-9A-F]+", text)
        if serial:
            found[serial.group(0)] = text
    return found


def test_T2_T3_temporary_devices_listed_with_their_windows(support_agent, password):
    holder = UserFactory(username="erin")
    with time_machine.travel(T0, tick=False) as clock:
        passcode_issue(
            user=holder,
            agent=support_agent,
            identification=caller_identified(holder, support_agent),
            reason="lost",
            client=SYSTEM,
        )
        clock.move_to(T0 + dt.timedelta(hours=1))
        online_card_issue(user=holder, client=SYSTEM)
        passcode = Authenticator.objects.get(kind="temporary_passcode").serial
        online = Authenticator.objects.get(kind="online_card").serial

        expected = {
            T0 + dt.timedelta(days=1): ("Yes: full access", "Yes: full access"),
            T0 + dt.timedelta(days=3): ("Portal only: online security card", "Yes: full access"),
            T0 + dt.timedelta(days=13): ("No: expired", "Yes: full access"),
            T0 + dt.timedelta(days=22): ("No: expired", "No: expired"),
        }
        for at, (passcode_now, card_now) in expected.items():
            clock.move_to(at)
            agent = Client()
            full_login(agent, support_agent.username, password)
            listing = rows(agent)
            assert listing[passcode] == (
                f"{passcode} | Temporary passcode | erin | Mon 2 Mar 2026 09:00 UTC | Active"
                " | Wed 4 Mar 2026 09:00 UTC | Sat 14 Mar 2026 09:00 UTC"
                " | Sat 14 Mar 2026 09:00 UTC"
                f" | {passcode_now}"
            )
            assert listing[online] == (
                f"{online} | Online Security Code Card | erin | Mon 2 Mar 2026 10:00 UTC | Active"
                f" | Mon 23 Mar 2026 10:00 UTC | - | Mon 23 Mar 2026 10:00 UTC | {card_now}"
            )


def test_T2_revoked_passcode_is_listed_as_not_usable(agent_client, support_agent):
    holder = UserFactory()
    for _ in range(2):
        passcode_issue(
            user=holder,
            agent=support_agent,
            identification=caller_identified(holder, support_agent),
            reason="unavailable",
            client=SYSTEM,
        )

    states = sorted(text.rsplit(" | ", 1)[1] for text in rows(agent_client).values())

    assert states == ["No: revoked", "Yes: full access"]


def test_T1_permanent_devices_are_not_in_the_temporary_list(agent_client, holder):
    device = card(holder)

    assert device.serial not in agent_client.get(reverse(TEMPORARY)).content.decode()
    url = reverse("admin:devices_temporarydevice_change", args=[device.pk])
    response = agent_client.get(url)
    assert response.status_code == 302
    assert device.serial not in agent_client.get(response["Location"]).content.decode()
