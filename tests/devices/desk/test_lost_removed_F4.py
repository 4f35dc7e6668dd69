"""F4: security keys and authenticator apps are reported lost, removed and reactivated
like cards. Reported lost, one answers nothing and every session of its user ends (G3);
support issues a temporary passcode (T1); found again, the key's own WebAuthn answer (or
the app's code) reactivates it and ends the temporary devices (T4). A key or an app is
not sent back: it is removed (revoked for good, audited, the user told by e-mail). No
replacement is ever shipped for one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices.assurance import Action
from devices.flows.device_step import step_devices
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.self_registered.services import NOT_REMOVABLE
from devices.temporary.reactivation import (
    device_reactivate,
    reactivation_candidates,
    reactivation_challenge_issue,
)
from devices.temporary.services import NOT_RETURNED, device_report
from orders.selectors import NOT_ELIGIBLE, dsc_plus_eligibility
from tests.devices.desk.helpers import (
    SELF_REGISTERED_LIST,
    app_code,
    authenticator_app_give,
    gate_answer,
    key_answer,
    key_flag_cloned,
    login_with_key,
    security_key_give,
)
from tests.devices.temporary.helpers import login_with, passcode_give
from tests.factories import StaffFactory, UserFactory
from tests.login_helpers import full_login, is_logged_in

pytestmark = pytest.mark.django_db

REACTIVATE = reverse("devices:device_reactivate")
DEVICES = reverse("admin:devices_authenticator_changelist")


@pytest.fixture
def agent_client(support_agent, password):
    browser = Client()
    full_login(browser, support_agent.username, password)
    return browser


@pytest.fixture
def keyholder():
    """A client whose only device is a security key, as a new account that registered one."""
    return UserFactory(username="kim", device=False, email="kim@example.com")


def act(browser: Client, action: str, *authenticators: Authenticator, url: str = DEVICES):
    return browser.post(
        url,
        {"action": action, "_selected_action": [a.pk for a in authenticators]},
        follow=True,
    )


def states(user) -> dict[str, str]:
    return dict(Authenticator.objects.filter(user_devices__user=user).values_list("kind", "state"))


def test_F4_G3_key_reported_lost_answers_nothing_and_ends_every_session(
    agent_client, client, keyholder, password, support_agent, django_capture_on_commit_callbacks
):
    key, software = security_key_give(keyholder, name="Blue key")
    login_with_key(client, keyholder, password, key, software)
    assert is_logged_in(client)
    # Another browser stands at the device step, its key challenge shown.
    login_step = Client()
    login_step.post(
        reverse("accounts:login"), {"username": keyholder.username, "password": password}
    )
    shown = login_step.get(reverse("devices:login_device")).context["challenge"]

    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            agent_client, "report_lost", key.authenticator, url=reverse(SELF_REGISTERED_LIST)
        )

    assert f"{key.authenticator} marked lost." in response.content.decode()
    assert states(keyholder) == {Kind.SECURITY_KEY: "lost"}
    assert not is_logged_in(client)
    shown.refresh_from_db()
    assert not shown.is_open(timezone.now())  # withdrawn at once, though never answered
    answered = login_step.post(
        reverse("devices:login_device"),
        {"device": key.pk, "challenge": shown.pk, "response": key_answer(software, shown)},
    )
    assert answered["Location"] == reverse("accounts:login")
    assert not is_logged_in(login_step)
    assert step_devices(keyholder, Action.LOGIN_PORTAL) == []
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_REPORTED)
    assert (event.actor, event.subject, event.detail["state"]) == (support_agent, keyholder, "lost")
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.SESSIONS_ENDED, subject=keyholder
    ).exists()
    assert [m.subject for m in mail.outbox] == [
        "SLS Portal: Your security device was reported lost or damaged"
    ]


def test_F4_T1_T4_a_lost_key_found_again_reactivates_with_its_own_answer(
    client, keyholder, password, support_agent
):
    key, software = security_key_give(keyholder, name="Blue key")
    device_report(authenticator=key.authenticator, state="lost", agent=support_agent, client=SYSTEM)
    code = passcode_give(keyholder, support_agent, reason="lost")
    login_with(client, keyholder, password, "temporary_passcode", code)
    assert is_logged_in(client)
    assert reactivation_candidates(keyholder) == [key]

    page = client.get(REACTIVATE, {"device": key.pk})
    challenge = page.context["challenge"]
    assert challenge.client_options["allowCredentials"][0]["id"] == key.authenticator.credential_id
    response = client.post(
        REACTIVATE,
        {"device": key.pk, "challenge": challenge.pk, "response": key_answer(software, challenge)},
    )

    assert response["Location"] == reverse("accounts:secure_login")
    assert states(keyholder) == {Kind.SECURITY_KEY: "active", Kind.TEMPORARY_PASSCODE: "revoked"}
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_REACTIVATED)
    assert event.detail == {
        "serial": key.authenticator.serial,
        "previous_state": "lost",
        "temporary_devices_ended": 1,
    }
    assert is_logged_in(client)
    # The key logs in again, on a fresh challenge; its counter moved on.
    assert gate_answer(keyholder, key, lambda c: key_answer(software, c)).accepted


def test_F4_T4_a_lost_app_found_again_reactivates_with_a_code(user, support_agent):
    app, secret = authenticator_app_give(user, name="Work phone")
    device_report(
        authenticator=app.authenticator, state="damaged", agent=support_agent, client=SYSTEM
    )
    passcode_give(user, support_agent, reason="damaged")

    challenge = reactivation_challenge_issue(user=user, device_id=app.pk, attempt="found")
    outcome = device_reactivate(
        user=user,
        device_id=app.pk,
        challenge_id=challenge.pk,
        attempt="found",
        response=app_code(secret),
        client=SYSTEM,
    )

    assert outcome.accepted
    app.authenticator.refresh_from_db()
    assert app.authenticator.state == Authenticator.State.ACTIVE
    assert not Authenticator.objects.filter(
        user_devices__user=user, kind=Kind.TEMPORARY_PASSCODE, state="active"
    ).exists()


def test_F4_T4_a_possibly_cloned_key_is_never_reactivated(user, support_agent):
    key, software = security_key_give(user)
    key_flag_cloned(user, key, software)
    device_report(authenticator=key.authenticator, state="lost", agent=support_agent, client=SYSTEM)
    passcode_give(user, support_agent, reason="lost")

    # A flagged key is not offered, so it is not even asked.
    with pytest.raises(ValidationError):
        reactivation_challenge_issue(user=user, device_id=key.pk, attempt="found")

    assert states(user)[Kind.SECURITY_KEY] == "lost"
    assert states(user)[Kind.TEMPORARY_PASSCODE] == "active"


@pytest.mark.parametrize("kind", [Kind.SECURITY_KEY, Kind.AUTHENTICATOR_APP])
def test_F4_G3_support_removes_a_key_or_an_app_for_good(
    agent_client, client, password, support_agent, kind, django_capture_on_commit_callbacks
):
    holder = UserFactory(username="lee", email="lee@example.com")
    if kind == Kind.SECURITY_KEY:
        device, _ = security_key_give(holder, name="Old key")
    else:
        device, _ = authenticator_app_give(holder, name="Old key")
    full_login(client, holder.username, password)
    assert is_logged_in(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            agent_client, "remove", device.authenticator, url=reverse(SELF_REGISTERED_LIST)
        )

    assert f"{device.authenticator} removed." in response.content.decode()
    assert states(holder)[kind] == "revoked"
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_REMOVED)
    assert (event.actor, event.subject) == (support_agent, holder)
    assert event.detail == {
        "serial": device.authenticator.serial,
        "kind": kind,
        "name": "Old key",
        "previous_state": "active",
    }
    assert not is_logged_in(client)
    assert [m.subject for m in mail.outbox] == [
        "SLS Portal: A security device was removed from your user"
    ]
    assert '"Old key" was removed from your user lee' in mail.outbox[0].body
    # Removed is final: not offered for reactivation, not removed or reported twice.
    assert device not in reactivation_candidates(holder)
    assert "already removed" in act(agent_client, "remove", device.authenticator).content.decode()
    assert (
        "already revoked" in act(agent_client, "report_lost", device.authenticator).content.decode()
    )
    assert AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_REMOVED).count() == 1


def test_F4_a_card_is_not_removed_and_a_key_is_not_returned(agent_client, keyholder):
    key, _ = security_key_give(keyholder)
    card_holder = UserFactory()
    card = Authenticator.objects.get(user_devices__user=card_holder, kind=Kind.DSC_PLUS)
    events = AuditEvent.objects.count()

    removed = act(agent_client, "remove", card).content.decode()
    returned = act(agent_client, "return_record", key.authenticator).content.decode()

    assert f"{card}: {NOT_REMOVABLE}" in removed
    assert f"{key.authenticator}: {NOT_RETURNED}" in returned
    assert AuditEvent.objects.count() == events
    assert states(keyholder) == {Kind.SECURITY_KEY: "active"}
    assert states(card_holder) == {Kind.DSC_PLUS: "active"}


def test_F4_staff_without_the_permission_cannot_remove(client, keyholder, password):
    key, _ = security_key_give(keyholder)
    clerk = StaffFactory(username="clerk")
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_selfregistereddevice"),
        Permission.objects.get(codename="report_device"),
    )
    full_login(client, clerk.username, password)

    listing = client.get(reverse(SELF_REGISTERED_LIST)).content.decode()
    act(client, "remove", key.authenticator, url=reverse(SELF_REGISTERED_LIST))

    assert "Mark selected devices lost" in listing
    assert "Remove selected security keys" not in listing
    assert states(keyholder) == {Kind.SECURITY_KEY: "active"}


def test_F4_T5_no_replacement_is_shipped_for_a_lost_key(client, keyholder, password, support_agent):
    """Orders ships DSC+ cards only: a client whose lost device is a key is told what a
    DSC+ is for, is offered no replacement of the key, and the pages work as ever."""
    key, _ = security_key_give(keyholder)
    device_report(authenticator=key.authenticator, state="lost", agent=support_agent, client=SYSTEM)
    code = passcode_give(keyholder, support_agent, reason="lost")
    login_with(client, keyholder, password, "temporary_passcode", code)
    client.get(reverse("devices:online_card"))

    eligibility = dsc_plus_eligibility(keyholder)
    page = client.get(reverse("accounts:secure_login"))

    assert (eligibility.allowed, eligibility.reason, eligibility.replaces) == (
        False,
        NOT_ELIGIBLE,
        None,
    )
    assert page.status_code == 200
    assert "Reactivate security device" in page.content.decode()
    assert not SecurityDevice.objects.filter(user=keyholder, authenticator__kind=Kind.DSC_PLUS)
