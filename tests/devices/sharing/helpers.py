"""Sharing from tests: users of one person or of two matching client records, and the
share wizard walked through its pages as the requester would, the owner's card answered
by its simulator."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import Client, User
from devices.models import SecurityDevice
from devices.roles import COMPLIANCE_GROUP, compliance_group_sync
from devices.temporary.services import passcode_issue
from tests.factories import DEFAULT_PASSWORD, ClientFactory, StaffFactory, UserFactory
from tests.identification_helpers import caller_identified
from tests.login_helpers import card_answer, full_login


def same_person_users(requester_kind: str, owner_kind: str) -> tuple[User, User]:
    """Two users of one person, on two accounts, each with a card of the given kind."""
    person = ClientFactory()
    requester = UserFactory(client=person, device=requester_kind)
    owner = UserFactory(client=person, device=owner_kind)
    return requester, owner


def matching_records_users(requester_kind: str, owner_kind: str) -> tuple[User, User]:
    """Users of two client records (say an individual and the same person's second
    record) whose identification data match; the document number typed differently."""
    first = ClientFactory(kind=Client.Kind.PERSON, id_document_number="P 1234-5678")
    second = ClientFactory(
        kind=Client.Kind.PERSON,
        name="Second record",
        id_document_number="p12345678",
        date_of_birth=first.date_of_birth,
    )
    return UserFactory(client=first, device=requester_kind), UserFactory(
        client=second, device=owner_kind
    )


def logged_in(user: User) -> HttpClient:
    client = HttpClient()
    response = full_login(client, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 302, "the login did not complete"
    return client


def owner_step(client: HttpClient, username: str, password: str = DEFAULT_PASSWORD):
    return client.post(reverse("sharing:owner"), {"username": username, "password": password})


def device_step(client: HttpClient, device: SecurityDevice | None = None) -> HttpResponse:
    query = {"device": device.pk} if device else {}
    return client.get(reverse("sharing:device"), query)


def answer_card(client: HttpClient, response: str | None = None) -> HttpResponse:
    """Open the device step and post the owner's card's answer (or `response`)."""
    page = device_step(client)
    assert page.status_code == 200, page.content.decode()
    device, challenge = page.context["device"], page.context["challenge"]
    answer = card_answer(device, challenge.value) if response is None else response
    return client.post(reverse("sharing:device"), {"response": answer})


def share_through_pages(client: HttpClient, owner: User) -> HttpResponse:
    """Owner's credentials, the card answered, review confirmed: the status page."""
    assert owner_step(client, owner.username).status_code == 302
    assert answer_card(client)["Location"] == reverse("sharing:review")
    assert client.get(reverse("sharing:review")).status_code == 200
    return client.post(reverse("sharing:review"), follow=True)


def compliance_officer() -> User:
    compliance_group_sync()
    officer = StaffFactory(username="compliance")
    officer.groups.add(Group.objects.get(name=COMPLIANCE_GROUP))
    return officer


def give_passcode(user: User, agent: User) -> str:
    return passcode_issue(
        user=user,
        agent=agent,
        identification=caller_identified(user, agent),
        reason="lost",
        client=SYSTEM,
    )


def page_text(response: HttpResponse) -> str:
    return response.content.decode()
