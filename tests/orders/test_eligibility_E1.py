"""E1 (KB1131): a new applicant gets SMS as a temporary device until IB Key is active, and
a client with equity above USD 1,000,000 may add a DSC+ beside it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from devices.gateways.locmem import sent
from orders.selectors import NOT_ELIGIBLE, dsc_plus_eligibility
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import device_page, is_logged_in, post_login

pytestmark = pytest.mark.django_db


def sms_login(client, user) -> None:
    """Password, then the code texted to the applicant's number (S1)."""
    post_login(client, user.username, DEFAULT_PASSWORD)
    page = device_page(client)
    code = re.search(r"code: (\d+)", sent[-1].body).group(1)
    client.post(
        reverse("devices:login_device"),
        {
            "device": page.context["device"].pk,
            "challenge": page.context["challenge"].pk,
            "response": code,
        },
    )
    assert is_logged_in(client)


@pytest.mark.parametrize("equity", ["1000000.01", "25000000.00"])
def test_E1_sms_applicant_with_equity_above_one_million_may_add_a_dsc_plus(client, equity):
    applicant = UserFactory(device="sms", account__equity=Decimal(equity))

    eligibility = dsc_plus_eligibility(applicant)

    assert eligibility.allowed
    assert eligibility.replaces is None
    sms_login(client, applicant)
    page = client.get(reverse("dsc_plus:start")).content.decode()
    assert "alongside your current security device" in page
    assert reverse("dsc_plus:address") in page


@pytest.mark.parametrize("equity", ["1000000.00", "999999.99", "0.00"])
def test_E1_equity_of_one_million_or_less_adds_no_dsc_plus(client, equity):
    applicant = UserFactory(device="sms", account__equity=Decimal(equity))

    eligibility = dsc_plus_eligibility(applicant)

    assert not eligibility.allowed
    assert eligibility.reason == NOT_ELIGIBLE
    sms_login(client, applicant)
    assert client.get(reverse("dsc_plus:address")).url == reverse("dsc_plus:start")
    page = client.get(reverse("dsc_plus:start")).content.decode()
    assert "above USD 1,000,000" in page
    assert reverse("dsc_plus:address") not in page
