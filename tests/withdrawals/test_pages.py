"""The withdrawal pages: the tier, why and what is still available before submitting; the
device approval; the confirmation; the history; and bad input answered with a clear error
while the ledger holds exactly the accepted withdrawals."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from tests.bad_input import assert_refused_page
from tests.devices.conftest import make_holder
from tests.factories import UserFactory
from tests.login_helpers import card_answer, full_login
from tests.withdrawals.helpers import DESTINATION, review, withdraw
from withdrawals.amounts import AMOUNT_FORMAT, AMOUNT_RANGE, amount_check, amount_parse
from withdrawals.forms import FORM_UNREADABLE
from withdrawals.idempotency import idempotency_key_check, idempotency_key_new
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.services.intents import UNKNOWN_ACCOUNT
from withdrawals.views import ALREADY_ACCEPTED, FORM_REUSED

pytestmark = pytest.mark.django_db
PAGE = reverse("withdrawals:withdraw")


@pytest.fixture
def scc_user():
    return make_holder("scc")


@pytest.fixture
def portal(client, scc_user, password):
    full_login(client, scc_user.username, password)
    return client


def review_post(portal, user, amount: str, destination: str = DESTINATION, **extra):
    """The form as the page gives it: with a fresh idempotency key unless one is given."""
    data = {
        "account": user.account_id,
        "amount": amount,
        "destination": destination,
        "device": user.securitydevice_set.get().pk,
        "idempotency_key": idempotency_key_new(),
    }
    return portal.post(PAGE, {**data, **extra})


def approve(portal, response):
    """Follow the review to the approval page and answer it with the card."""
    page = portal.get(response["Location"])
    challenge = page.context["challenge"]
    answer = card_answer(page.context["device"], challenge.value)
    return page, portal.post(response["Location"], {"challenge": challenge.pk, "response": answer})


def test_page_needs_a_verified_login(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_W1_page_shows_tier_reason_and_availability_before_submitting(portal, scc_user):
    serial = scc_user.securitydevice_set.get().authenticator.serial

    page = portal.get(PAGE).content.decode()

    assert "Security Code Card" in page
    assert f"Security Code Card, serial {serial}" in page
    assert "USD 200,000.00 of USD 200,000.00" in page
    assert "USD 600,000.00 of USD 600,000.00" in page


def test_W3_accepted_withdrawal_confirmation_and_history(portal, scc_user):
    reviewed = review_post(portal, scc_user, "1,500.50")
    page, done = approve(portal, reviewed)

    assert "USD 1,500.50" in page.content.decode()
    assert done.status_code == 302
    confirmation = portal.get(done["Location"]).content.decode()
    assert "Withdrawal accepted" in confirmation
    history = portal.get(PAGE).content.decode()
    assert DESTINATION in history and "USD 1,500.50" in history
    assert "USD 198,499.50 of USD 200,000.00" in history
    assert list(Withdrawal.objects.values_list("amount", flat=True)) == [Decimal("1500.50")]


def test_W3_over_limit_is_refused_on_the_page_with_what_is_still_available(portal, scc_user):
    response = review_post(portal, scc_user, "250000")

    errors = response.context["form"].non_field_errors()
    assert "Still available: USD 200,000.00 today" in errors[0]
    assert "USD 600,000.00 over the 5 business days" in errors[0]
    assert not WithdrawalIntent.objects.exists() and not Withdrawal.objects.exists()


@pytest.mark.parametrize("key", ["nul\x00nul\x00nul\x00nul\x00", "control\x07characters\x1b[0m"])
def test_W3_a_key_with_control_characters_is_refused_before_the_form(portal, scc_user, key):
    """NUL and other control characters never reach the form: the whole request is the
    portal's 400 page (sls_portal.middleware), and nothing is recorded."""
    data = {
        "account": scc_user.account_id,
        "amount": "10.00",
        "destination": DESTINATION,
        "device": scc_user.securitydevice_set.get().pk,
        "idempotency_key": key,
    }

    response = portal.post(PAGE, data)

    assert_refused_page(response)
    assert not WithdrawalIntent.objects.exists() and not Withdrawal.objects.exists()


def test_dates_read_the_same_in_the_limits_box_and_the_refusal(client, scc_user, password):
    """A single-digit day once read "Tue 1 Dec 2026" in the box and "Tue 01 Dec 2026" in
    the refusal: both now come from accounts.dates."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC), tick=False):
        full_login(client, scc_user.username, password)
        box = portal_text(client.get(PAGE))
        refused = review_post(client, scc_user, "250000")
    refusal = refused.context["form"].non_field_errors()[0]

    window = re.search(r"\((\w{3} \d{1,2} \w{3}) to (\w{3} \d{1,2} \w{3} \d{4})\)", box)
    assert "(business day Tue 1 Dec 2026)" in box
    assert "today (Tue 1 Dec 2026)" in refusal
    assert window is not None and window.group(2) == "Tue 1 Dec 2026"
    assert f"from {window.group(1)} to {window.group(2)}." in refusal


def portal_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_double_clicked_confirmation_makes_one_withdrawal(portal, scc_user):
    reviewed = review_post(portal, scc_user, "10.00")
    page = portal.get(reviewed["Location"])
    challenge = page.context["challenge"]
    data = {
        "challenge": challenge.pk,
        "response": card_answer(page.context["device"], challenge.value),
    }

    first = portal.post(reviewed["Location"], data)
    second = portal.post(reviewed["Location"], data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Withdrawal.objects.count() == 1


def test_wrong_answer_on_the_page_makes_nothing(portal, scc_user):
    reviewed = review_post(portal, scc_user, "10.00")
    page = portal.get(reviewed["Location"])

    response = portal.post(
        reviewed["Location"], {"challenge": page.context["challenge"].pk, "response": "000000"}
    )

    assert response["Location"] == PAGE
    assert "not accepted" in portal.get(PAGE).content.decode()
    assert Withdrawal.objects.count() == 0


def test_tenth_wrong_answer_ends_the_session(portal, scc_user):
    for _ in range(10):
        reviewed = review_post(portal, scc_user, "10.00")
        page = portal.get(reviewed["Location"])
        response = portal.post(
            reviewed["Location"], {"challenge": page.context["challenge"].pk, "response": "x"}
        )

    assert response["Location"] == reverse("accounts:login")
    assert portal.get(PAGE).status_code == 302


@pytest.mark.parametrize(
    "amount",
    [
        "-5",
        "0",
        "0.00",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "1e5",
        "1E+5",
        "10.001",
        "1000000000000",
        "99999999999999999999999999",
        "١٠٠",  # Arabic-Indic digits
        "１００",  # full-width digits
        "+5",
        "0x10",
        "12,34",
        "1 000",
        "",
    ],
)
def test_bad_amount_is_a_clear_error_and_nothing_is_recorded(portal, scc_user, amount):
    response = review_post(portal, scc_user, amount)

    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not WithdrawalIntent.objects.exists() and not Withdrawal.objects.exists()


def test_another_users_account_is_a_clear_error(portal, scc_user):
    other = UserFactory()

    response = review_post(portal, scc_user, "10.00", account=other.account_id)

    assert response.context["form"].errors["account"] == [UNKNOWN_ACCOUNT]
    assert not WithdrawalIntent.objects.exists()


@pytest.mark.parametrize(
    "destination", ["", "short", "GB82 WEST ' OR 1=1", "x" * 40, "ＧＢ８２ＷＥＳＴ"]
)
def test_bad_destination_is_a_clear_error(portal, scc_user, destination):
    response = review_post(portal, scc_user, "10.00", destination=destination)

    assert response.context["form"].errors["destination"]
    assert not WithdrawalIntent.objects.exists()


def test_other_peoples_approvals_and_withdrawals_do_not_exist_here(portal, scc_user, password):
    other = UserFactory()
    intent, _ = review(other, "10.00")
    withdrawal = withdraw(other, "10.00")

    assert portal.get(reverse("withdrawals:approve", args=[intent.token])).status_code == 404
    assert portal.get(reverse("withdrawals:detail", args=[withdrawal.pk])).status_code == 404
    assert portal.get(reverse("withdrawals:approve", args=["no-such-token"])).status_code == 404
    assert portal.get(reverse("withdrawals:approve", args=["x" * 5000])).status_code == 404
    assert portal.get(reverse("withdrawals:detail", args=[10**30])).status_code == 404


def test_amount_parse_accepts_plain_and_grouped_amounts():
    assert amount_parse("1500.5") == Decimal("1500.50")
    assert amount_parse(" 250,000.00 ") == Decimal("250000.00")
    assert amount_parse("999999999999.99") == Decimal("999999999999.99")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), AMOUNT_FORMAT),
        (Decimal("Infinity"), AMOUNT_FORMAT),
        (Decimal("1.001"), AMOUNT_FORMAT),
        (1.5, AMOUNT_FORMAT),
        (Decimal("-1"), AMOUNT_RANGE),
        (Decimal("0"), AMOUNT_RANGE),
        (Decimal("1E+15"), AMOUNT_RANGE),
    ],
)
def test_service_refuses_amounts_no_form_would_pass(value, message):
    with pytest.raises(ValidationError) as error:
        amount_check(value)

    assert error.value.messages == [message]


def shown_key(page) -> str:
    """The idempotency key the page's form carries, as a browser would send it back."""
    found = re.search(r'<input type="hidden" name="idempotency_key" value="([^"]*)"', page)
    assert found is not None, "the form carries its key"
    return found.group(1)


def test_W3_each_form_shown_carries_a_fresh_key(portal):
    first = shown_key(portal.get(PAGE).content.decode())
    second = shown_key(portal.get(PAGE).content.decode())

    assert first != second
    assert idempotency_key_check(first) == first and len(first) == 32


def test_W3_review_sent_again_after_the_withdrawal_shows_it_already_accepted(portal, scc_user):
    key = shown_key(portal.get(PAGE).content.decode())
    reviewed = review_post(portal, scc_user, "10.00", idempotency_key=key)
    _, done = approve(portal, reviewed)

    again = review_post(portal, scc_user, "10.00", idempotency_key=key)

    assert again.status_code == 302 and again["Location"] == done["Location"]
    page = portal.get(again["Location"]).content.decode()
    assert ALREADY_ACCEPTED in page and "Withdrawal accepted" in page
    assert Withdrawal.objects.count() == 1 and WithdrawalIntent.objects.count() == 1


def test_W3_approval_sent_again_shows_the_withdrawal_already_accepted(portal, scc_user):
    reviewed = review_post(portal, scc_user, "10.00")
    page = portal.get(reviewed["Location"])
    challenge = page.context["challenge"]
    data = {
        "challenge": challenge.pk,
        "response": card_answer(page.context["device"], challenge.value),
    }
    first = portal.post(reviewed["Location"], data)
    events = AuditEvent.objects.count()

    again = portal.post(reviewed["Location"], data)

    assert again["Location"] == first["Location"]
    assert ALREADY_ACCEPTED in portal.get(again["Location"]).content.decode()
    assert Withdrawal.objects.count() == 1
    assert AuditEvent.objects.count() == events, "no refusal recorded for the repeat"


def test_W3_form_key_reused_for_another_amount_is_a_clear_error_with_a_new_key(portal, scc_user):
    key = idempotency_key_new()
    approve(portal, review_post(portal, scc_user, "10.00", idempotency_key=key))

    response = review_post(portal, scc_user, "20.00", idempotency_key=key)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [FORM_REUSED]
    renewed = shown_key(response.content.decode())
    assert renewed != key and idempotency_key_check(renewed) == renewed
    assert WithdrawalIntent.objects.count() == 1 and Withdrawal.objects.count() == 1
    assert review_post(portal, scc_user, "20.00", idempotency_key=renewed).status_code == 302


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "short",
        "k" * 65,
        "k" * 5000,
        "line\r\nbreak-in-the-key-here",
        "spaces in the key are refused",
        "<script>alert(1)</script>xxxxxx",
        "ключ-из-кириллицы-здесь",
    ],
)
def test_W3_a_form_without_a_valid_key_is_a_clear_error_and_records_nothing(portal, scc_user, key):
    data = {
        "account": scc_user.account_id,
        "amount": "10.00",
        "destination": DESTINATION,
        "device": scc_user.securitydevice_set.get().pk,
    }
    if key is not None:
        data["idempotency_key"] = key

    response = portal.post(PAGE, data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [FORM_UNREADABLE]
    assert FORM_UNREADABLE in response.content.decode()
    renewed = shown_key(response.content.decode())
    assert idempotency_key_check(renewed) == renewed, "the form shown again can be sent"
    assert not WithdrawalIntent.objects.exists() and not Withdrawal.objects.exists()
