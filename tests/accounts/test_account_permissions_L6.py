"""L6 and O3 as the trading channel sees them: `account_permissions` reads the opt-out flag;
an opted-out account logs in to trading without the device and may not trade Pink Sheet
or OTCBB stocks, until it opts back in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import Account
from accounts.permissions import Feature, Market, account_permissions
from devices.assurance import Action
from devices.services.fresh_factor import FreshFactor
from portal.services.sls import sls_opt_in, sls_opt_out
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def test_L6_enrolled_account_needs_the_device_and_trades_every_market(alice):
    permissions = account_permissions(alice.account)

    assert permissions.trading_login_needs_device
    assert all(permissions.allows_market(market) for market in Market)
    assert all(permissions.allows(feature) for feature in Feature)
    assert permissions.ach_eft_cap is None


def test_O3_opted_out_account_reports_pink_sheet_and_otcbb_not_allowed(alice):
    Account.objects.filter(pk=alice.account_id).update(sls_opted_out=True)

    permissions = account_permissions(Account.objects.get(pk=alice.account_id))

    assert not permissions.trading_login_needs_device
    assert not permissions.allows_market(Market.PINK_SHEET)
    assert not permissions.allows_market("otcbb")
    assert permissions.allows_market(Market.LISTED_STOCKS)
    assert not any(permissions.allows(feature) for feature in Feature)
    assert permissions.ach_eft_cap == Decimal("20000.00")
    assert permissions.as_dict() == {
        "sls_enrolled": False,
        "trading_login_needs_device": False,
        "markets": {
            "listed_stocks": True,
            "options": True,
            "futures": True,
            "forex": True,
            "pink_sheet": False,
            "otcbb": False,
        },
        "features": {
            "higher_withdrawal_limits": False,
            "bank_instructions_self_service": False,
            "email_self_service": False,
            "ach_eft_beyond_initial": False,
            "device_sharing": False,
        },
        "ach_eft_cap_usd": "20000.00",
    }


def test_L6_opting_out_and_back_in_flips_what_the_trading_side_sees(alice):
    proof = FreshFactor(
        action=Action.OPT_OUT, user_id=alice.pk, device_id=1, verified_at=timezone.now()
    )

    sls_opt_out(user=alice, fresh_factor=proof, client=SYSTEM)
    assert not account_permissions(Account.objects.get(pk=alice.account_id)).allows_market("otcbb")

    sls_opt_in(user=alice, client=SYSTEM)
    after = account_permissions(Account.objects.get(pk=alice.account_id))
    assert after.allows_market("otcbb")
    assert after.trading_login_needs_device


def test_L6_unknown_market_is_not_allowed(alice):
    assert not account_permissions(alice.account).allows_market("moon_shares")
