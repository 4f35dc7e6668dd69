"""Property-based tests of the withdrawal forms (issue 8, W1-W3): whatever is posted, no
server error; no withdrawal enters the ledger without the device's answer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.accounts.sls_helpers import logged_in
from tests.factories import UserFactory
from tests.form_fuzz import bodies, own_throttles, post_fuzzed
from tests.withdrawals.helpers import DESTINATION, review
from withdrawals.models import Withdrawal

pytestmark = pytest.mark.django_db


@given(data=st.data())
@own_throttles
def test_W1_withdrawal_form_never_fails(db, data):
    user = UserFactory()
    client = logged_in(user)
    device = user.securitydevice_set.get()
    kept = {"account": user.account_id, "destination": DESTINATION, "device": device.pk}
    body = data.draw(bodies(fuzzed=("amount", "idempotency_key"), kept=kept))

    # An amount the fuzzer happens to write validly may open an approval; nothing more.
    post_fuzzed(client, reverse("withdrawals:withdraw"), body, may_succeed=True)

    assert not Withdrawal.objects.exists()


@given(data=st.data())
@own_throttles
def test_W3_approval_form_never_fails_and_books_nothing_without_the_answer(db, data):
    user = UserFactory()
    client = logged_in(user)
    intent, challenge = review(user, "100.00")
    url = reverse("withdrawals:approve", args=[intent.token])

    post_fuzzed(
        client, url, data.draw(bodies(fuzzed=("response",), kept={"challenge": challenge.pk}))
    )

    assert not Withdrawal.objects.exists()
