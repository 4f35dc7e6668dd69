"""Property-based tests of the login and settings forms (issue 8): whatever is posted, no
server error, and without the right password or device answer nothing succeeds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Account, BankInstruction, User
from tests.accounts.sls_helpers import fresh_factor_fields, logged_in
from tests.factories import UserFactory
from tests.form_fuzz import ANY_FIELD, bodies, own_throttles, post_fuzzed
from tests.login_helpers import is_logged_in

pytestmark = pytest.mark.django_db

US_BANK = {
    "bank_name": "First Example Bank",
    "account_holder": "Alice Example",
    "routing_number": "011000015",
    "account_number": "123456789",
}
# Settings pages that ask the device again: their fields kept valid, the answer fuzzed.
FRESH_FACTOR_PAGES = [
    ("settings:sls_opt_out", {"understood": "on"}),
    ("settings:bank_instructions", US_BANK),
    ("settings:email", {"email": "new@example.com"}),
]


def portal() -> tuple[User, Client]:
    """A new user, logged in, for each example: wrong answers of earlier examples would
    otherwise lock the user out (L3) and later examples would test only the lockout."""
    user = UserFactory()
    return user, logged_in(user)


@given(data=st.data())
@own_throttles
def test_L1_login_form_never_fails_and_lets_no_one_in(user, data):
    client = Client()
    body = data.draw(bodies(fuzzed=("password",), kept={"username": user.username}))

    post_fuzzed(client, reverse("accounts:login"), body)

    assert not is_logged_in(client)


@pytest.mark.parametrize(("url_name", "fields"), FRESH_FACTOR_PAGES)
@given(data=st.data())
@own_throttles
def test_O1_O3_settings_forms_never_fail_without_the_device_answer(url_name, fields, data):
    user, client = portal()
    url = reverse(url_name)
    factor = fresh_factor_fields(client.get(url))
    kept = {**fields, "device": factor["device"], "challenge": factor["challenge"]}

    post_fuzzed(client, url, data.draw(bodies(fuzzed=("response",), kept=kept)))

    account = Account.objects.get(pk=user.account_id)
    assert not account.sls_opted_out
    assert not BankInstruction.objects.filter(account=account).exists()


@given(data=st.data())
@own_throttles
def test_O1_choice_form_never_fails(db, data):
    user, client = portal()

    post_fuzzed(client, reverse("settings:sls_configure"), data.draw(bodies(fuzzed=("choice",))))

    assert not Account.objects.get(pk=user.account_id).sls_opted_out


@given(data=st.data())
@own_throttles
def test_O3_deposit_form_never_fails_and_takes_no_bad_method(db, data):
    user, client = portal()
    kept = {"account": user.account_id, "amount": "100.00"}

    post_fuzzed(
        client, reverse("settings:deposit"), data.draw(bodies(fuzzed=("method",), kept=kept))
    )

    assert not Account.objects.get(pk=user.account_id).deposits.exists()


@pytest.fixture
def signed_in(user) -> Client:
    """One login for every example: a malformed body is no login attempt and locks nothing."""
    return logged_in(user)


RAW_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "application/json",
    "text/plain; charset=utf-16",
]


@given(
    body=st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(str.encode)),
    content_type=st.sampled_from(RAW_TYPES),
    url_name=st.sampled_from(["accounts:login", "settings:email", "withdrawals:withdraw"]),
)
def test_L1_bodies_of_any_type_and_encoding_never_fail(signed_in, body, content_type, url_name):
    response = signed_in.generic("POST", reverse(url_name), body, content_type=content_type)

    assert response.status_code < 500


QUERY_PAGES = [
    "accounts:login",
    "accounts:secure_login",
    "devices:device_reactivate",
    "dsc_plus:pin_change",
    "sharing:device",
    "withdrawals:withdraw",
    "settings:email",
    "simulators:keypad",
    "phone:activate",
]


@given(
    url_name=st.sampled_from(QUERY_PAGES),
    query=st.fixed_dictionaries(
        {},
        optional={
            name: ANY_FIELD for name in ("device", "next", "serial", "username", "fallback", "push")
        },
    ),
)
def test_L1_query_strings_never_fail(signed_in, url_name, query):
    assert signed_in.get(reverse(url_name), query).status_code < 500
