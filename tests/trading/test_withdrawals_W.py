"""Withdrawals on the trading channel (W1–W3, step-up): the same selector and services as
the portal, so the same tiers, windows, refusals and single-use approvals, as JSON."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure
from devices.models import SecurityDevice
from devices.temporary.services import device_report, passcode_issue
from tests.devices.conftest import make_holder
from tests.factories import UserFactory
from tests.identification_helpers import caller_identified
from tests.trading.api import begin, card_login, card_reply, get, post, token_of
from tests.trading.test_temporary_T2 import passcode_login
from withdrawals.idempotency import KEY_REUSED
from withdrawals.models import Withdrawal, WithdrawalIntent

pytestmark = pytest.mark.django_db

DESTINATION = "GB82 WEST 1234 5698 7654 32"


def session_of(client, user, password) -> str:
    return token_of(card_login(client, user.username, password))


def review(client, token, amount="1000.00", **extra):
    return post(
        client,
        "/withdrawals/intents",
        {"amount": amount, "destination": DESTINATION, **extra},
        token,
    )


def submit(client, token, intent, response=None, **extra):
    """The answer to `intent`, under a key of its own unless `idempotency_key` is given."""
    return post(
        client,
        "/withdrawals",
        {
            "intent_token": intent["intent_token"],
            "challenge_id": intent["challenge_id"],
            "response": card_reply(intent) if response is None else response,
            "amount": intent["amount"],
            "destination": DESTINATION,
            "idempotency_key": str(uuid.uuid4()),
            **extra,
        },
        token,
    )


@pytest.mark.parametrize(
    ("kind", "tier", "per_day", "per_five_days"),
    [
        ("scc", "scc", "200000.00", "600000.00"),
        ("dsc", "dsc", "1000000.00", "1500000.00"),
        ("dsc_plus", "unlimited", None, None),
    ],
)
def test_W1_capacity_shows_the_tier_of_the_device(
    client, clock, password, kind, tier, per_day, per_five_days
):
    user = make_holder(kind)
    token = session_of(client, user, password)

    body = get(client, "/withdrawals/capacity", token).json()

    assert (body["tier"], body["limits"]) == (
        tier,
        {"per_day": per_day, "per_five_days": per_five_days},
    )
    assert body["why"].endswith(user.securitydevice_set.get().authenticator.serial)
    assert body["available"]["now"] == per_day
    assert body["used"] == {"today": "0.00", "five_days": "0.00"}
    assert [device["kind"] for device in body["devices"]] == [kind]


def test_W1_opted_out_account_gets_the_none_row_with_the_reason(client, clock, password):
    user = UserFactory()
    user.account.sls_opted_out = True
    user.account.save(update_fields=["sls_opted_out"])
    token = token_of(begin(client, user.username, password))

    body = get(client, "/withdrawals/capacity", token).json()

    assert (body["tier"], body["available"]["today"]) == ("none", "50000.00")
    assert "opted out of the Secure Login System" in body["why"]


def test_W3_over_limit_is_refused_with_what_is_still_available(client, clock, password):
    user = make_holder("scc")
    token = session_of(client, user, password)

    response = review(client, token, amount="250,000.00")

    assert response.status_code == 409
    body = response.json()
    assert (body["error"], body["reason"]) == ("withdrawal_refused", "over_limit")
    assert "Still available: USD 200,000.00 today" in body["detail"]
    assert not WithdrawalIntent.objects.exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.WITHDRAWAL_REFUSED).count() == 1


def test_W3_accepted_withdrawal_is_a_ledger_row_and_counts(client, clock, password):
    user = make_holder("scc")
    token = session_of(client, user, password)
    intent = review(client, token, amount="150,000.00").json()

    response = submit(client, token, intent)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["destination"], body["tier"]) == (
        "150000.00",
        "GB82WEST12345698765432",
        "scc",
    )
    assert Withdrawal.objects.get().pk == body["id"]
    capacity = get(client, "/withdrawals/capacity", token).json()
    assert capacity["available"] == {
        "today": "50000.00",
        "five_days": "450000.00",
        "now": "50000.00",
    }
    assert review(client, token, amount="50000.01").json()["reason"] == "over_limit"


def test_step_up_replayed_approval_is_refused_and_names_the_withdrawal_made(
    client, clock, user, password
):
    token = session_of(client, user, password)
    intent = review(client, token).json()
    answer = card_reply(intent)
    made = submit(client, token, intent, answer).json()

    replay = submit(client, token, intent, answer)

    assert replay.status_code == 409
    assert replay.json()["reason"] == "already_made"
    assert replay.json()["withdrawal"]["id"] == made["id"]
    assert Withdrawal.objects.count() == 1


def test_step_up_approval_for_another_amount_is_refused(client, clock, user, password):
    token = session_of(client, user, password)
    intent = review(client, token, amount="100.00").json()

    response = submit(client, token, intent, amount="100000.00")

    assert response.status_code == 409
    assert response.json()["reason"] == "approval_mismatch"
    assert submit(client, token, intent).json()["reason"] == "approval_unusable"
    assert not Withdrawal.objects.exists()


def test_step_up_wrong_answer_is_refused_and_counts_towards_L3(client, clock, user, password):
    token = session_of(client, user, password)
    intent = review(client, token).json()

    response = submit(client, token, intent, response="00000000")

    assert (response.status_code, response.json()["reason"]) == (409, "wrong_response")
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert not Withdrawal.objects.exists()


def test_L3_tenth_wrong_step_up_answer_locks_and_ends_the_session(client, clock, user, password):
    token = session_of(client, user, password)
    for _ in range(9):
        assert submit(client, token, review(client, token).json(), "0").status_code == 409

    response = submit(client, token, review(client, token).json(), "0")

    assert response.json() == {"error": "login_failed", "detail": "Login failed"}
    assert get(client, "/withdrawals/capacity", token).json()["error"] == "session_ended"


@pytest.mark.parametrize(
    "amount",
    [1000, 1000.5, 1e3, True, None, "1e3", "NaN", "Infinity", "-5", "0", "0.001", "١٠٠٠", ""],
)
def test_W3_amounts_that_are_not_exact_decimal_strings_are_refused(
    client, clock, user, password, amount
):
    token = session_of(client, user, password)

    response = review(client, token, amount=amount)

    assert response.status_code in (400, 422), response.content
    assert response.json()["error"] in ("invalid_input", "amount_format", "amount_range")
    assert not WithdrawalIntent.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        '{"amount": NaN, "destination": "GB82WEST12345698765432"}',
        '{"amount": Infinity, "destination": "GB82WEST12345698765432"}',
        '{"amount": "100.00", "destination": "GB82WEST12345698765432", "device_id": "x"}',
        '{"amount": "100.00", "destination": "short"}',
        '{"amount": "100.00"}',
        "{not json",
    ],
)
def test_W3_garbage_withdrawal_bodies_are_4xx(client, clock, user, password, raw):
    token = session_of(client, user, password)

    response = post(client, "/withdrawals/intents", raw=raw, token=token)

    assert 400 <= response.status_code < 500, response.content
    assert not WithdrawalIntent.objects.exists()


def test_withdrawal_with_another_users_device_is_refused(client, clock, user, password):
    token = session_of(client, user, password)
    foreign = SecurityDevice.objects.get(user=UserFactory())

    response = review(client, token, device_id=foreign.pk)

    assert (response.status_code, response.json()["error"]) == (404, "unknown_device")
    assert not WithdrawalIntent.objects.exists()


def test_T2_passcode_session_cannot_reach_withdrawals_after_two_days(
    client, clock, support_agent, password
):
    """A passcode session's expiry is cut at the end of the passcode's 2-day trading window,
    so its token stops there; a new login with the passcode is then refused (T2)."""
    user = UserFactory()
    device_report(
        authenticator=user.securitydevice_set.get().authenticator,
        state="lost",
        agent=support_agent,
        client=SYSTEM,
    )
    code = passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="lost",
        client=SYSTEM,
    )
    clock.shift(dt.timedelta(days=1, hours=20))
    token = token_of(passcode_login(client, user, password, code))
    assert get(client, "/withdrawals/capacity", token).json()["tier"] == "none"
    clock.shift(dt.timedelta(hours=4))

    response = review(client, token)

    assert (response.status_code, response.json()["error"]) == (401, "session_expired")
    assert not WithdrawalIntent.objects.exists()
    assert passcode_login(client, user, password, code).json()["error"] == "access_refused"


def test_W3_a_retry_under_the_same_key_is_answered_200_with_the_first_body(
    client, clock, user, password
):
    token = session_of(client, user, password)
    intent = review(client, token).json()
    answer = card_reply(intent)
    key = str(uuid.uuid4())
    first = submit(client, token, intent, answer, idempotency_key=key)
    events = AuditEvent.objects.count()

    again = submit(client, token, intent, answer, idempotency_key=key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Withdrawal.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_W3_a_new_review_sent_under_a_used_key_makes_nothing(client, clock, user, password):
    """The answer to the first try was lost; the client reviewed again and answered the
    new challenge, under the key of the first try."""
    token = session_of(client, user, password)
    key = "retry-of-one-withdrawal-0001"
    first = submit(client, token, review(client, token).json(), idempotency_key=key)
    retry = review(client, token).json()

    again = submit(client, token, retry, idempotency_key=key)

    assert again.status_code == 200 and again.json() == first.json()
    assert Withdrawal.objects.count() == 1
    assert WithdrawalIntent.objects.get(token=retry["intent_token"]).used_at is None


def test_W3_a_key_sent_with_another_amount_is_422_and_changes_nothing(
    client, clock, user, password
):
    token = session_of(client, user, password)
    key = str(uuid.uuid4())
    submit(client, token, review(client, token).json(), idempotency_key=key)
    other = review(client, token, amount="2000.00").json()
    events = AuditEvent.objects.count()

    response = submit(client, token, other, idempotency_key=key)

    assert response.status_code == 422
    assert response.json() == {"error": "idempotency_key_reused", "detail": KEY_REUSED}
    assert Withdrawal.objects.count() == 1
    assert AuditEvent.objects.count() == events
    assert WithdrawalIntent.objects.get(token=other["intent_token"]).used_at is None


@pytest.mark.parametrize(
    "key",
    [
        "",
        "too-short",
        "k" * 65,
        "k" * 100_000,
        "line\r\nbreak-in-the-key-here",
        "trailing-newline-is-no-key\n",
        "ключ-из-кириллицы-здесь",
        "ＦＵＬＬＷＩＤＴＨＫＥＹＳ",
        12345678901234567890,
        1.5e20,
        True,
        None,
        ["a-list-is-not-a-key-at-all"],
        {"key": "an-object-is-not-a-key-either"},
    ],
)
def test_W3_anything_but_a_key_is_422_and_records_nothing(client, clock, user, password, key):
    token = session_of(client, user, password)
    intent = review(client, token).json()
    events = AuditEvent.objects.count()

    response = submit(client, token, intent, idempotency_key=key)

    assert response.status_code == 422, response.content
    assert response.json()["error"] == "invalid_input"
    assert "idempotency_key" in str(response.json()["detail"])
    assert not Withdrawal.objects.exists()
    assert AuditEvent.objects.count() == events
    assert WithdrawalIntent.objects.get(token=intent["intent_token"]).used_at is None


@pytest.mark.parametrize(
    "key", ["nul\u0000nul\u0000nul\u0000nul\u0000", "control\u0007characters\u001b[0m"]
)
def test_W3_a_key_with_control_characters_is_400_bad_input_and_records_nothing(
    client, clock, user, password, key
):
    """As in every text field of the API: refused before the key's own checks."""
    token = session_of(client, user, password)
    intent = review(client, token).json()
    events = AuditEvent.objects.count()

    response = submit(client, token, intent, idempotency_key=key)

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "bad_input"
    assert not Withdrawal.objects.exists()
    assert AuditEvent.objects.count() == events
    assert WithdrawalIntent.objects.get(token=intent["intent_token"]).used_at is None


def test_W3_a_withdrawal_without_a_key_is_422(client, clock, user, password):
    token = session_of(client, user, password)
    intent = review(client, token).json()
    body = {
        "intent_token": intent["intent_token"],
        "challenge_id": intent["challenge_id"],
        "response": card_reply(intent),
        "amount": intent["amount"],
        "destination": DESTINATION,
    }

    response = post(client, "/withdrawals", body, token)

    assert response.status_code == 422 and response.json()["error"] == "invalid_input"
    assert not Withdrawal.objects.exists()
