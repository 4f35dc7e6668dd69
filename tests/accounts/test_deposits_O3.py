"""O3 (KB1131): ACH and EFT deposits beyond an initial USD 20,000 in total are refused while
the account is opted out, with the reason and the amount still allowed; enrolled accounts
have no cap. Bad input is a clear error and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import Account, AuditEvent, AuditEventType, Deposit
from accounts.services.deposits import DepositRefused, deposit_request
from tests.accounts.sls_helpers import logged_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEPOSIT = "settings:deposit"


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def opted_out_alice(alice):
    Account.objects.filter(pk=alice.account_id).update(sls_opted_out=True)
    return alice


def deposit(user, amount: str, method: str = "ach") -> Deposit:
    return deposit_request(
        user=user,
        account=Account.objects.get(pk=user.account_id),
        amount=Decimal(amount),
        method=method,
        client=SYSTEM,
    )


def post_deposit(client, user, amount: str, method: str = "ach"):
    return client.post(
        reverse(DEPOSIT), {"account": user.account.number, "method": method, "amount": amount}
    )


def test_O3_opted_out_deposits_stop_at_an_initial_20000_with_the_amount_still_allowed(
    opted_out_alice,
):
    deposit(opted_out_alice, "15000.00")

    with pytest.raises(DepositRefused) as refused:
        deposit(opted_out_alice, "6000.00", method="eft")

    assert refused.value.still_allowed == Decimal("5000.00")
    assert "USD 20,000.00" in refused.value.messages[0]
    assert "USD 5,000.00" in refused.value.messages[0]
    event = AuditEvent.objects.get(event_type=AuditEventType.DEPOSIT_REFUSED)
    assert event.detail["still_allowed"] == "5000.00"
    deposit(opted_out_alice, "5000.00", method="eft")
    with pytest.raises(DepositRefused) as full:
        deposit(opted_out_alice, "0.01")
    assert full.value.still_allowed == Decimal("0.00")
    assert sum(d.amount for d in Deposit.objects.all()) == Decimal("20000.00")


def test_O3_deposits_made_while_enrolled_count_towards_the_initial_20000(alice):
    deposit(alice, "25000.00")
    Account.objects.filter(pk=alice.account_id).update(sls_opted_out=True)

    with pytest.raises(DepositRefused):
        deposit(alice, "1.00")


def test_O3_enrolled_accounts_have_no_cap(alice):
    deposit(alice, "50000.00")
    deposit(alice, "999999999.99", method="eft")

    assert Deposit.objects.count() == 2
    assert AuditEvent.objects.filter(event_type=AuditEventType.DEPOSIT_ACCEPTED).count() == 2


def test_O3_deposit_page_refuses_over_the_cap_then_accepts_after_opting_back_in(opted_out_alice):
    client = logged_in(opted_out_alice)
    page = client.get(reverse(DEPOSIT)).content.decode()
    assert "still allowed: USD 20,000.00" in page

    refused = post_deposit(client, opted_out_alice, "25000.00")

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Deposit refused: without the Secure Login System" in html
    assert "may still deposit USD 20,000.00" in html
    assert not Deposit.objects.exists()

    client.post(reverse("settings:sls_configure"), {"choice": "required"})
    accepted = post_deposit(client, opted_out_alice, "25000.00")

    assert accepted["Location"] == reverse(DEPOSIT)
    assert Deposit.objects.get().amount == Decimal("25000.00")
    assert "was accepted" in client.get(reverse(DEPOSIT)).content.decode()


@pytest.mark.parametrize(
    "amount",
    ["-5", "0", "0.00", "NaN", "Infinity", "1e3", "10.001", "1,000", "9" * 13, "abc", "", " "],
)
def test_O3_bad_amounts_are_clear_errors_and_nothing_changes(alice, amount):
    response = post_deposit(logged_in(alice), alice, amount)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Deposit.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="deposit.").exists()


def test_O3_bad_method_is_refused(alice):
    response = post_deposit(logged_in(alice), alice, "100.00", method="wire")

    assert "method" in response.context["form"].errors
    assert not Deposit.objects.exists()


def test_O3_deposit_to_another_users_account_is_refused(alice):
    other = UserFactory(username="mallory")
    response = logged_in(alice).post(
        reverse(DEPOSIT), {"account": other.account.number, "method": "ach", "amount": "10.00"}
    )

    assert "account" in response.context["form"].errors
    assert not Deposit.objects.exists()
    with pytest.raises(ValidationError):
        deposit_request(
            user=alice, account=other.account, amount=Decimal("10.00"), method="ach", client=SYSTEM
        )
    assert not Deposit.objects.exists()


@pytest.mark.parametrize(
    "amount",
    [Decimal("NaN"), Decimal("-1"), Decimal("0"), Decimal("1.001"), Decimal("1E+12"), 10.5, "10"],
)
def test_O3_service_refuses_bad_amounts(alice, amount):
    with pytest.raises(ValidationError):
        deposit_request(
            user=alice, account=alice.account, amount=amount, method="ach", client=SYSTEM
        )
    assert not Deposit.objects.exists()


def test_O3_staff_have_no_deposit_page(support_agent):
    assert logged_in(support_agent).get(reverse(DEPOSIT)).status_code == 403
