"""O3 under concurrency: deposits racing on one opted-out account lock its row in turn, so
together they never pass the initial USD 20,000."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.client_info import SYSTEM
from accounts.models import Account, Deposit
from accounts.services.deposits import deposit_request
from tests.concurrency import run_at_once
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_O3_concurrent_deposits_never_pass_the_cap_together():
    user = UserFactory(username="racer")
    Account.objects.filter(pk=user.account_id).update(sls_opted_out=True)

    def attempt() -> bool:
        try:
            deposit_request(
                user=user,
                account=user.account,
                amount=Decimal("7000.00"),
                method="ach",
                client=SYSTEM,
            )
        except ValidationError:
            return False
        return True

    results = run_at_once(attempt, 6)

    assert results.count(True) == 2
    assert sum(d.amount for d in Deposit.objects.all()) == Decimal("14000.00")
