"""Replays of the assessment's findings against the one gate (SPEC G1, G5, G6), end to end
over HTTP where a browser or program would go: each proves the refusal and the audit
event it leaves."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure, SecurityTeamRequest
from accounts.services.lockout import lockout_is_active
from devices.assurance import Action
from devices.flows.device_step import Answer, Refusal, step_answer, step_challenge
from devices.models import Authenticator
from tests.devices.conftest import make_holder
from tests.devices.temporary.helpers import device_of, passcode_give
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import answer_device, card_answer, is_logged_in, post_login
from withdrawals.idempotency import idempotency_key_new
from withdrawals.models import Withdrawal

pytestmark = pytest.mark.django_db

START = "2026-11-16 15:00Z"


def card_answered(user, card, action: Action, challenge, attempt: str):
    """The gate's outcome of `card`'s right answer to `challenge`, shown for `action`."""
    return step_answer(
        user=user,
        action=action,
        answer=Answer(
            device_id=card.pk,
            challenge_id=challenge.pk,
            response=card_answer(card, challenge.value),
        ),
        attempt=attempt,
        client=SYSTEM,
    )


def passcode_login(client: Client, user, passcode: str):
    post_login(client, user.username, DEFAULT_PASSWORD)
    device = device_of(user, "temporary_passcode")
    page = client.get(reverse("devices:login_device"), {"device": device.pk})
    return client.post(
        reverse("devices:login_device"),
        {"device": device.pk, "challenge": page.context["challenge"].pk, "response": passcode},
    )


def test_G5_W1_withdrawal_approved_with_a_passcode_is_held_to_the_none_row(support_agent):
    """A passcode read out by telephone, beside an active Platinum card, cannot approve USD
    3,000,000: the review already answers with what the "none" row leaves."""
    user = make_holder("platinum", "totp")
    with time_machine.travel(START, tick=False):
        passcode = passcode_give(user, support_agent)
        client = Client()
        passcode_login(client, user, passcode)
        assert is_logged_in(client)
        passcode_device = device_of(user, "temporary_passcode")
        form = {
            "account": user.account_id,
            "amount": "3000000.00",
            "destination": "GB82WEST12345698765432",
            "device": passcode_device.pk,
            "idempotency_key": idempotency_key_new(),
        }

        refused = client.post(reverse("withdrawals:withdraw"), form)
        accepted = client.post(reverse("withdrawals:withdraw"), {**form, "amount": "40000.00"})
        approve = client.get(accepted["Location"])
        done = client.post(
            accepted["Location"],
            {"challenge": approve.context["challenge"].pk, "response": passcode},
        )

    assert refused.status_code == 200
    assert "Still available: USD 50,000.00 today" in refused.context["form"].non_field_errors()[0]
    assert done.status_code == 302
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount, withdrawal.tier) == (Decimal("40000.00"), "none")
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.WITHDRAWAL_REFUSED, detail__reason="over_limit"
    ).exists()


def test_G5_W1_the_same_withdrawal_approved_by_the_permanent_card_keeps_its_tier(support_agent):
    user = make_holder("platinum", "totp")
    passcode_give(user, support_agent)
    card = device_of(user, "platinum")
    intent_challenge = step_challenge(action=Action.WITHDRAW, device=card, attempt="w-1")

    outcome = card_answered(user, card, Action.WITHDRAW, intent_challenge, "w-1")

    assert outcome.accepted and outcome.withdrawal_cap is None


@pytest.mark.parametrize(
    "action", [Action.CHANGE_EMAIL, Action.OPT_OUT, Action.CHANGE_BANK_INSTRUCTIONS]
)
def test_G5_T2_a_temporary_device_answers_no_fresh_factor_for_a_sensitive_change(
    support_agent, action
):
    user = UserFactory(device=False)
    with time_machine.travel(START, tick=False) as traveller:
        passcode = passcode_give(user, support_agent)
        device = device_of(user, "temporary_passcode")
        traveller.shift(timedelta(days=13))
        challenge = step_challenge(action=Action.LOGIN_PORTAL, device=device, attempt="a")
        outcome = step_answer(
            user=user,
            action=action,
            answer=Answer(device_id=device.pk, challenge_id=challenge.pk, response=passcode),
            attempt="a",
            client=SYSTEM,
        )

    assert outcome.refusal == Refusal.NOT_ALLOWED
    assert not LoginFailure.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.ACCESS_REFUSED, detail__step=action.value
    ).exists()


def test_G5_T2_an_expired_passcode_answers_nothing_at_login(support_agent):
    user = UserFactory(device=False)
    with time_machine.travel(START, tick=False) as traveller:
        passcode = passcode_give(user, support_agent)
        traveller.shift(timedelta(days=13))
        client = Client()
        response = passcode_login(client, user, passcode)

        assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
        assert not is_logged_in(client)
    assert not LoginFailure.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.ACCESS_REFUSED, detail__step=Action.LOGIN_PORTAL.value
    ).exists()


def test_G5_O3_with_only_a_passcode_an_email_change_goes_to_the_security_team(support_agent):
    user = UserFactory(device=False, email="on-record@example.com")
    with time_machine.travel(START, tick=False):
        passcode = passcode_give(user, support_agent)
        client = Client()
        passcode_login(client, user, passcode)
        page = client.get(reverse("settings:email"))
        response = client.post(reverse("settings:email"), {"email": "thief@example.net"})

    assert page.context["fresh_factor"] is None and page.context["security_team_route"]
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "on-record@example.com"
    request = SecurityTeamRequest.objects.get(user=user)
    assert request.payload == {"email": "thief@example.net"}


def test_G6_L3_a_login_begun_before_the_lock_cannot_complete():
    """Ten wrong passwords in another browser, then the right answer to the earlier
    pending challenge: refused, the user stays locked."""
    user = make_holder("dsc_plus")
    victim_browser, attacker_browser = Client(), Client()
    page = post_login(victim_browser, user.username, DEFAULT_PASSWORD)
    for _ in range(10):
        post_login(attacker_browser, user.username, "wrong-password")
    user.refresh_from_db()
    assert user.locked_at is not None

    response = answer_device(victim_browser, page=page)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert not is_logged_in(victim_browser)
    user.refresh_from_db()
    assert lockout_is_active(user=user, at=user.last_failed_login_at)
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.LOGIN_REFUSED_LOCKED, detail__reason="locked"
    ).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_SUCCEEDED).exists()


def test_G6_L3_a_trading_login_begun_before_the_lock_cannot_complete():
    user = make_holder("dsc_plus")
    api = Client()
    begun = api.post(
        "/api/trading/login",
        {"username": user.username, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    ).json()
    asked = api.post(
        "/api/trading/login/challenge",
        {"login_id": begun["login_id"]},
        content_type="application/json",
    ).json()
    for _ in range(10):
        post_login(Client(), user.username, "wrong-password")
    device = user.securitydevice_set.get()

    verified = api.post(
        "/api/trading/login/verify",
        {
            "login_id": begun["login_id"],
            "device_id": device.pk,
            "challenge_id": asked["challenge_id"],
            "response": card_answer(device, asked["challenge"]),
        },
        content_type="application/json",
    )

    assert verified.status_code == 401 and verified.json()["error"] == "login_failed"
    user.refresh_from_db()
    assert user.locked_at is not None


def test_G1_D2_a_login_in_another_tab_does_not_close_a_withdrawal_approval():
    """A challenge belongs to the purpose that asked for it: the right answer to the
    withdrawal's challenge still approves it after a login opened the same card's login
    challenge elsewhere."""
    user = make_holder("dsc_plus")
    browser = Client()
    browser.force_login(user)
    card = user.securitydevice_set.select_related("authenticator").get()
    withdrawal_challenge = step_challenge(action=Action.WITHDRAW, device=card, attempt="intent-1")
    post_login(Client(), user.username, DEFAULT_PASSWORD)  # another tab's login

    outcome = card_answered(user, card, Action.WITHDRAW, withdrawal_challenge, "intent-1")

    assert outcome.accepted


def test_G1_D2_an_answer_to_a_closed_challenge_says_so_and_counts_nothing():
    user = make_holder("dsc_plus")
    card = user.securitydevice_set.select_related("authenticator").get()
    first = step_challenge(action=Action.LOGIN_PORTAL, device=card, attempt="login-1")
    step_challenge(action=Action.LOGIN_PORTAL, device=card, attempt="login-2")  # closes the first

    outcome = card_answered(user, card, Action.LOGIN_PORTAL, first, "login-1")

    assert outcome.refusal == Refusal.CHALLENGE_CLOSED
    assert "no longer open" in outcome.message
    assert not LoginFailure.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.SECOND_FACTOR_NOT_CHECKED, subject=user
    ).exists()


def test_G1_a_lost_card_answers_nothing_but_its_reactivation():
    user = make_holder("dsc_plus")
    card = user.securitydevice_set.select_related("authenticator").get()
    challenge = step_challenge(action=Action.LOGIN_PORTAL, device=card, attempt="login-1")
    Authenticator.objects.filter(pk=card.authenticator_id).update(state=Authenticator.State.LOST)

    outcome = card_answered(user, card, Action.LOGIN_PORTAL, challenge, "login-1")

    assert outcome.refusal == Refusal.NOT_ALLOWED
