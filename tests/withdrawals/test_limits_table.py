"""SPEC §8: every row of the limits table, shown (W1) and enforced over both windows (W3),
with the amount still available in every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.client_info import SYSTEM
from devices.kinds import WithdrawalTier
from devices.models import Authenticator
from devices.selectors import active_devices
from devices.temporary.services import online_card_issue, passcode_issue
from tests.devices.conftest import make_holder
from tests.factories import UserFactory, give_device
from tests.identification_helpers import caller_identified
from tests.withdrawals.helpers import withdraw
from withdrawals.conf import MAX_AMOUNT
from withdrawals.limits import LIMITS
from withdrawals.selectors import (
    NO_PERMANENT_DEVICE,
    OPTED_OUT,
    withdrawal_capacity,
    withdrawal_tier_for,
)
from withdrawals.services.refusals import WithdrawalRefused

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 10:00 in New York; no holiday that week
# (kind, OTP mode, tier, per day, per 5 business days)
LIMITED = [
    ("sms", "", WithdrawalTier.SMS, "200000.00", "600000.00"),
    ("ib_key", "", WithdrawalTier.IB_KEY, "1000000.00", "1000000.00"),
    ("scc", "", WithdrawalTier.SCC, "200000.00", "600000.00"),
    ("dsc", "", WithdrawalTier.DSC, "1000000.00", "1500000.00"),
]
UNLIMITED = [("dsc_plus", ""), ("platinum", "totp"), ("gold", "hotp")]


def usd(text: str) -> str:
    return f"USD {Decimal(text):,.2f}"


def capacity_now(user):
    return withdrawal_capacity(user, user.account, timezone.now())


def test_W1_table_matches_the_spec():
    assert {tier: (row.per_day, row.per_five_days) for tier, row in LIMITS.items()} == {
        WithdrawalTier.NONE: (Decimal("50000"), Decimal("100000")),
        WithdrawalTier.SMS: (Decimal("200000"), Decimal("600000")),
        WithdrawalTier.IB_KEY: (Decimal("1000000"), Decimal("1000000")),
        WithdrawalTier.SCC: (Decimal("200000"), Decimal("600000")),
        WithdrawalTier.DSC: (Decimal("1000000"), Decimal("1500000")),
        WithdrawalTier.UNLIMITED: (None, None),
    }


@pytest.mark.parametrize(
    ("kind", "otp_mode", "tier", "per_day", "per_five"), LIMITED, ids=[r[0] for r in LIMITED]
)
def test_W1_each_limited_kind_shows_its_row(kind, otp_mode, tier, per_day, per_five):
    user = make_holder(kind, otp_mode)

    capacity = capacity_now(user)

    assert capacity.tier.tier == tier
    assert kind_label_in(user, capacity.tier.reason)
    assert capacity.available_today == Decimal(per_day)
    assert capacity.available_five_days == Decimal(per_five)


@pytest.mark.parametrize(("kind", "otp_mode"), UNLIMITED, ids=[r[0] for r in UNLIMITED])
def test_W1_dsc_plus_platinum_gold_are_unlimited(kind, otp_mode):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        user = make_holder(kind, otp_mode)
        capacity = capacity_now(user)
        withdraw(user, str(MAX_AMOUNT))
        traveller.shift(timedelta(minutes=1))  # a time-based card's next code
        withdraw(user, str(MAX_AMOUNT))
        used = capacity_now(user).used_today

    assert capacity.tier.tier == WithdrawalTier.UNLIMITED
    assert capacity.available is None
    assert used == 2 * MAX_AMOUNT


@pytest.mark.parametrize(
    ("kind", "otp_mode", "tier", "per_day", "per_five"), LIMITED, ids=[r[0] for r in LIMITED]
)
def test_W3_per_day_limit_enforced_with_amount_still_available(
    kind, otp_mode, tier, per_day, per_five
):
    with time_machine.travel(MONDAY, tick=False):
        user = make_holder(kind, otp_mode)
        withdraw(user, per_day)
        with pytest.raises(WithdrawalRefused) as refusal:
            withdraw(user, "0.01")

    left_five = Decimal(per_five) - Decimal(per_day)
    assert "Still available: USD 0.00 today" in refusal.value.message
    assert f"{usd(str(left_five))} over the 5 business days" in refusal.value.message
    assert user.account.withdrawals.count() == 1


@pytest.mark.parametrize(
    ("kind", "otp_mode", "tier", "per_day", "per_five"), LIMITED, ids=[r[0] for r in LIMITED]
)
def test_W3_five_business_day_limit_enforced_with_amount_still_available(
    kind, otp_mode, tier, per_day, per_five
):
    left, day = Decimal(per_five), 0
    with time_machine.travel(MONDAY, tick=False) as traveller:
        user = make_holder(kind, otp_mode)
        while left:
            amount = min(left, Decimal(per_day))
            withdraw(user, str(amount))
            left -= amount
            day += 1
            traveller.move_to(MONDAY + timedelta(days=day))
        with pytest.raises(WithdrawalRefused) as refusal:
            withdraw(user, "0.01")

    assert f"Still available: {usd(per_day)} today" in refusal.value.message
    assert "USD 0.00 over the 5 business days" in refusal.value.message


def test_W1_opted_out_account_gets_the_none_row_whatever_the_device():
    user = UserFactory(device="dsc_plus")
    user.account.sls_opted_out = True
    user.account.save(update_fields=["sls_opted_out"])

    with time_machine.travel(MONDAY, tick=False):
        capacity = capacity_now(user)
        withdraw(user, "50000.00")
        with pytest.raises(WithdrawalRefused) as refusal:
            withdraw(user, "0.01")

    assert capacity.tier.tier == WithdrawalTier.NONE
    assert capacity.tier.reason == OPTED_OUT
    assert (capacity.available_today, capacity.available_five_days) == (50000, 100000)
    assert "Still available: USD 0.00 today" in refusal.value.message
    assert "USD 50,000.00 over the 5 business days" in refusal.value.message


def test_W1_temporary_passcode_alone_gets_the_none_row(support_agent):
    user = UserFactory(device=False)
    with time_machine.travel(MONDAY, tick=False):
        passcode = passcode_issue(
            user=user,
            agent=support_agent,
            identification=caller_identified(user, support_agent),
            reason="lost",
            client=SYSTEM,
        )
        capacity = capacity_now(user)
        withdraw(user, "50000.00", passcode=passcode)
        with pytest.raises(WithdrawalRefused) as refusal:
            withdraw(user, "1.00", passcode=passcode)

    assert capacity.tier.tier == WithdrawalTier.NONE
    assert capacity.tier.reason == NO_PERMANENT_DEVICE
    assert "Still available: USD 0.00 today" in refusal.value.message


def test_W1_online_security_card_gets_the_none_row(support_agent):
    user = UserFactory(device=False)
    passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="lost",
        client=SYSTEM,
    )
    online_card_issue(user=user, client=SYSTEM)

    tier = withdrawal_tier_for(user, user.account)

    assert len(active_devices(user)) == 2
    assert (tier.tier, tier.reason) == (WithdrawalTier.NONE, NO_PERMANENT_DEVICE)


def test_W1_temporary_passcode_beside_a_permanent_device_does_not_lower_the_tier(support_agent):
    user = make_holder("scc")
    passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="unavailable",
        client=SYSTEM,
    )

    assert withdrawal_tier_for(user, user.account).tier == WithdrawalTier.SCC


def test_W1_no_device_at_all_gets_the_none_row():
    user = UserFactory(device=False)

    assert withdrawal_tier_for(user, user.account).tier == WithdrawalTier.NONE


def test_W1_strongest_active_permanent_device_wins():
    user = make_holder("scc")
    give_device(user, "dsc_plus")

    tier = withdrawal_tier_for(user, user.account)

    assert tier.tier == WithdrawalTier.UNLIMITED
    assert tier.reason.startswith("Digital Security Card+")


def test_W1_device_change_changes_limits_from_then_on_and_past_withdrawals_count():
    with time_machine.travel(MONDAY, tick=False):
        user = make_holder("scc")
        first = withdraw(user, "150000.00")
        dsc = give_device(user, "dsc")
        assert capacity_now(user).available_today == Decimal("850000.00")
        withdraw(user, "300000.00")
        Authenticator.objects.filter(pk=dsc.authenticator_id).update(state=Authenticator.State.LOST)
        capacity = capacity_now(user)

    assert capacity.tier.tier == WithdrawalTier.SCC
    assert capacity.used_today == Decimal("450000.00")
    assert capacity.available_today == Decimal("0.00")
    assert capacity.available_five_days == Decimal("150000.00")
    first.refresh_from_db()
    assert first.tier == WithdrawalTier.SCC


def kind_label_in(user, reason: str) -> bool:
    authenticator = user.securitydevice_set.get().authenticator
    return reason == f"{authenticator.kind_behaviour.label}, serial {authenticator.serial}"
