"""G4 protecting T5, end to end over HTTP: a client whose DSC+ is lost gets back in with a
passcode from support, retrieves the online card, logs in with it and orders the
replacement, which ships to the address of record; the address of record itself changes
only with a fresh answer from a permanent device, or through the Security Team when the
client holds none. The finding replayed: an ordinary session changing the address without
a fresh answer is refused, changes nothing, and leaves its failed attempt in the trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, SecurityTeamRequest
from accounts.roles import SECURITY_TEAM_GROUP
from accounts.services.addresses import Address
from accounts.services.notifications import SecurityEmail
from devices.services.self_service import client_address_change
from devices.temporary.services import device_report
from orders.models import DeviceOrder
from tests.accounts.sls_helpers import fresh_factor_fields, logged_in
from tests.devices.temporary.helpers import device_of, login_with, online_card_answer, passcode_give
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.login_helpers import is_logged_in
from tests.orders.helpers import NEW_PIN, US_ADDRESS, address_set, rich_client_user, stock_card

pytestmark = pytest.mark.django_db

ON_RECORD = "dana@example.com"
PARIS = {
    "address_line": "5 Rue de Rivoli",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}
REQUESTS = "admin:accounts_securityteamrequest_changelist"


def url(name: str) -> str:
    return reverse(f"dsc_plus:{name}")


def subject(event: SecurityEmail) -> str:
    return f"SLS Portal: {event.value[0]}"


def on_record(user) -> Address:
    user.client.refresh_from_db()
    return Address.of(user.client)


def address_events():
    return AuditEvent.objects.filter(event_type=AuditEventType.ADDRESS_CHANGED)


@pytest.fixture
def dana(db):
    """A DSC+ holder below the DSC+ equity threshold, with an address of record."""
    user = UserFactory(
        username="dana", device="dsc_plus", email=ON_RECORD, account__equity=Decimal("5000")
    )
    address_set(user, US_ADDRESS)
    return user


@pytest.fixture
def on_the_online_card(dana, support_agent, mailoutbox, django_capture_on_commit_callbacks):
    """The lost-card story up to a session opened with the online card (T1-T3): reported
    lost by support, a passcode read out after the identification check, a login with the
    passcode that retrieves the online card, then a login with the card."""
    lost = device_of(dana, "dsc_plus")
    with django_capture_on_commit_callbacks(execute=True):
        device_report(
            authenticator=lost.authenticator, state="lost", agent=support_agent, client=SYSTEM
        )
        passcode = passcode_give(dana, support_agent, reason="lost")
    on_passcode = Client()
    assert (
        login_with(on_passcode, dana, DEFAULT_PASSWORD, "temporary_passcode", passcode).status_code
        == 302
    )
    assert on_passcode.get(reverse("devices:online_card")).status_code == 200
    browser = Client()
    assert login_with(browser, dana, DEFAULT_PASSWORD, "online_card").status_code == 302
    assert is_logged_in(browser)
    mailoutbox.clear()
    return browser


def order_from_the_summary(browser, user) -> object:
    """Through the wizard, answering the online card at the summary."""
    assert browser.get(url("start")).context["eligibility"].allowed
    assert browser.post(url("address"))["Location"] == url("pin")
    chosen = browser.post(
        url("pin"), {"pin": NEW_PIN, "pin_again": NEW_PIN, "hold_account": user.account_id}
    )
    assert chosen["Location"] == url("summary")
    card = device_of(user, "online_card")
    summary = browser.get(url("summary"), {"device": card.pk})
    fresh = summary.context["fresh_factor"]
    assert fresh["device"] == card
    return browser.post(
        url("summary"),
        {
            "device": card.pk,
            "challenge": fresh["challenge"].pk,
            "response": online_card_answer(card, fresh["challenge"].value),
        },
    )


def test_G4_T5_lost_card_holder_orders_the_replacement_to_the_address_of_record(
    dana, on_the_online_card, mailoutbox, django_capture_on_commit_callbacks
):
    stock_card()
    lost = device_of(dana, "dsc_plus").authenticator

    with django_capture_on_commit_callbacks(execute=True):
        placed = order_from_the_summary(on_the_online_card, dana)

    assert placed["Location"] == url("confirmation")
    order = DeviceOrder.objects.get(user=dana)
    assert order.replaces == lost
    assert (
        Address(order.address_line, order.city, order.postal_code, order.address_country)
        == on_record(dana)
        == US_ADDRESS
    )
    ordered = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_ORDERED)
    assert (ordered.actor, ordered.detail["country"]) == (dana, "US")
    (mail,) = mailoutbox
    assert (mail.to, mail.subject) == ([ON_RECORD], subject(SecurityEmail.DEVICE_ORDERED))
    assert "shipping to 1 M***, 62*** Springfield, US" in mail.body
    assert "Main Street" not in mail.body


def test_G4_T5_with_only_the_online_card_an_address_change_goes_to_the_security_team(
    dana, on_the_online_card, mailoutbox, django_capture_on_commit_callbacks
):
    browser = on_the_online_card
    page = browser.get(url("address_change"))
    assert page.context["fresh_factor"] is None and page.context["security_team_route"]
    card = device_of(dana, "online_card")

    with django_capture_on_commit_callbacks(execute=True):
        # An answer from the online card posted along with it changes nothing: it is not asked.
        queued = browser.post(
            url("address_change"), {**PARIS, "device": card.pk, "response": "000000"}
        )

    assert queued["Location"] == url("address")
    assert on_record(dana) == US_ADDRESS
    assert not address_events().exists()
    request = SecurityTeamRequest.objects.get(user=dana)
    assert (request.kind, request.status) == ("address", "pending")
    assert request.payload == {
        "address_line": "5 Rue de Rivoli",
        "city": "Paris",
        "postal_code": "75001",
        "country": "FR",
    }
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.SECURITY_REQUEST_QUEUED, detail__kind="address"
    ).exists()
    (mail,) = mailoutbox
    assert mail.to == [ON_RECORD]
    assert (
        mail.subject
        == "SLS Portal: A change of your address of record is waiting for the Security Team"
    )
    assert "waiting for the Security Team" in browser.get(url("address")).content.decode()

    # The replacement ordered meanwhile still goes to the address of record.
    stock_card()
    assert order_from_the_summary(browser, dana)["Location"] == url("confirmation")
    assert DeviceOrder.objects.get(user=dana).address_line == US_ADDRESS.address_line


def test_G4_the_security_team_applies_a_queued_address_change(
    dana, on_the_online_card, mailoutbox, django_capture_on_commit_callbacks
):
    on_the_online_card.post(url("address_change"), PARIS)
    request = SecurityTeamRequest.objects.get(user=dana, kind="address")
    member = StaffFactory(username="secteam")
    member.groups.add(Group.objects.get(name=SECURITY_TEAM_GROUP))
    team = logged_in(member)

    with django_capture_on_commit_callbacks(execute=True):
        team.post(reverse(REQUESTS), {"action": "approve", "_selected_action": [request.pk]})

    request.refresh_from_db()
    assert request.status == SecurityTeamRequest.Status.APPROVED
    assert on_record(dana) == Address("5 Rue de Rivoli", "Paris", "75001", "FR")
    changed = address_events().get()
    assert (changed.subject, changed.actor_username) == (dana, "secteam")
    assert changed.detail == {"from_country": "US", "to_country": "FR"}
    assert [m.subject for m in mailoutbox] == [subject(SecurityEmail.ADDRESS_CHANGED)]
    assert mailoutbox[0].to == [ON_RECORD]


def test_G4_T5_finding_replayed_an_ordinary_session_cannot_change_the_address_unanswered(
    mailoutbox, django_capture_on_commit_callbacks
):
    """Before G4 a logged-in session changed the address of record with one POST and the
    replacement followed it. Now the POST without the device's fresh answer is refused:
    the address stays, nothing is queued or mailed, the failed attempt is counted."""
    user = rich_client_user()
    browser = logged_in(user)

    with django_capture_on_commit_callbacks(execute=True):
        refused = browser.post(url("address_change"), PARIS)
        forged = browser.post(
            url("address_change"), {**PARIS, "device": device_of(user, "scc").pk, "challenge": 1}
        )

    for page in (refused, forged):
        assert page.status_code == 200 and page.context["fresh_factor"]["failed"]
    assert on_record(user) == US_ADDRESS
    assert not address_events().exists()
    assert not SecurityTeamRequest.objects.exists()
    assert not mailoutbox
    failed = AuditEvent.objects.filter(
        subject=user, event_type=AuditEventType.LOGIN_FAILED, detail__step="change_address"
    )
    assert failed.count() == 2
    with pytest.raises(PermissionDenied):
        client_address_change(user=user, address=Address(**PARIS), fresh_factor=None, client=SYSTEM)
    assert on_record(user) == US_ADDRESS

    # The same session with the card's answer: applied, audited and mailed (G4).
    page = browser.get(url("address_change"))
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(url("address_change"), {**PARIS, **fresh_factor_fields(page)})
    assert done["Location"] == url("address")
    assert on_record(user).city == "Paris"
    assert address_events().get().actor == user
    assert [m.subject for m in mailoutbox] == [subject(SecurityEmail.ADDRESS_CHANGED)]


def test_G4_T5_an_address_posted_to_the_order_is_ignored(portal_user_with_card):
    browser, user = portal_user_with_card
    browser.post(url("address"), PARIS)
    browser.post(
        url("pin"), {"pin": NEW_PIN, "pin_again": NEW_PIN, "hold_account": user.account_id}
    )
    page = browser.get(url("summary"))
    placed = browser.post(url("summary"), {**PARIS, **fresh_factor_fields(page)})
    assert placed["Location"] == url("confirmation")
    order = DeviceOrder.objects.get(user=user)
    assert (order.address_line, order.address_country) == ("1 Main Street", "US")


@pytest.fixture
def portal_user_with_card(db):
    stock_card()
    user = rich_client_user()
    return logged_in(user), user
