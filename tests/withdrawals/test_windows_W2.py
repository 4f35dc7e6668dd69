"""W2: both windows roll by business day in New York; weekends and NYSE holidays are
skipped, and a withdrawal on a closed day counts towards the next business day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.devices.conftest import make_holder
from tests.withdrawals.helpers import withdraw
from withdrawals.calendar import business_day_of, is_business_day, window_start
from withdrawals.selectors import withdrawal_capacity
from withdrawals.services.refusals import WithdrawalRefused

NEW_YORK = ZoneInfo("America/New_York")


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def capacity_at(user, moment: datetime):
    with time_machine.travel(moment, tick=False):
        return withdrawal_capacity(user, user.account, timezone.now())


def withdraw_at(user, moment: datetime, amount: str):
    with time_machine.travel(moment, tick=False):
        return withdraw(user, amount)


def test_W2_weekends_and_nyse_holidays_are_not_business_days():
    assert is_business_day(date(2026, 11, 20))  # Friday
    assert not is_business_day(date(2026, 11, 21))  # Saturday
    assert not is_business_day(date(2026, 11, 26))  # Thanksgiving
    assert is_business_day(date(2026, 11, 27))  # the half day after it is open
    assert not is_business_day(date(2027, 3, 26))  # Good Friday: NYSE closed, not a federal holiday
    assert not is_business_day(date(2027, 1, 18))  # Martin Luther King Jr. Day


def test_W2_a_saturday_counts_towards_the_next_business_day():
    assert business_day_of(ny(2026, 11, 21, 12, 0)) == date(2026, 11, 23)
    assert business_day_of(ny(2027, 1, 16, 12, 0)) == date(2027, 1, 19)  # Monday is MLK Day


def test_W2_the_day_is_the_new_york_date_not_utc():
    friday_late = ny(2026, 11, 20, 23, 30)  # already Saturday 04:30 in UTC
    assert friday_late.astimezone(UTC).date() == date(2026, 11, 21)
    assert business_day_of(friday_late) == date(2026, 11, 20)
    assert business_day_of(ny(2026, 11, 21, 0, 30)) == date(2026, 11, 23)


def test_W2_five_business_days_of_a_friday_are_that_week():
    assert window_start(date(2026, 11, 20)) == date(2026, 11, 16)


def test_W2_five_business_days_of_a_monday_after_a_holiday_skip_it():
    assert window_start(date(2027, 3, 29)) == date(2027, 3, 22)  # skips Good Friday 26 March
    assert window_start(date(2026, 11, 30)) == date(2026, 11, 23)  # skips Thanksgiving


@pytest.mark.django_db
def test_W2_windows_slide_one_business_day_at_a_time():
    user = make_holder("scc")
    for day in (16, 17, 18):  # Monday to Wednesday: the 600,000 of the 5-day window
        withdraw_at(user, ny(2026, 11, day, 10, 0), "200000.00")

    friday = capacity_at(user, ny(2026, 11, 20, 10, 0))
    next_monday = capacity_at(user, ny(2026, 11, 23, 10, 0))
    next_tuesday = capacity_at(user, ny(2026, 11, 24, 10, 0))
    next_wednesday = capacity_at(user, ny(2026, 11, 25, 10, 0))

    assert (friday.available_today, friday.available_five_days) == (200000, 0)
    assert next_monday.window_start == date(2026, 11, 17)
    assert next_monday.available_five_days == Decimal("200000.00")
    assert next_tuesday.available_five_days == Decimal("400000.00")
    assert next_wednesday.available_five_days == Decimal("600000.00")


@pytest.mark.django_db
def test_W2_a_saturday_withdrawal_shares_mondays_daily_limit():
    user = make_holder("scc")
    withdraw_at(user, ny(2026, 11, 20, 10, 0), "200000.00")  # Friday's limit used up
    saturday = withdraw_at(user, ny(2026, 11, 21, 10, 0), "150000.00")

    monday = capacity_at(user, ny(2026, 11, 23, 9, 0))
    with pytest.raises(WithdrawalRefused) as refusal:
        withdraw_at(user, ny(2026, 11, 22, 18, 0), "50000.01")  # Sunday, same business day

    assert saturday.business_day == date(2026, 11, 23)
    assert monday.used_today == Decimal("150000.00")
    assert monday.available_today == Decimal("50000.00")
    assert "Still available: USD 50,000.00 today (Mon 23 Nov 2026)" in refusal.value.message


@pytest.mark.django_db
def test_W2_a_withdrawal_on_good_friday_counts_towards_the_monday_after():
    user = make_holder("scc")
    withdraw_at(user, ny(2027, 3, 22, 10, 0), "100000.00")  # Monday of the week before
    holiday = withdraw_at(user, ny(2027, 3, 26, 10, 0), "120000.00")

    monday = capacity_at(user, ny(2027, 3, 29, 10, 0))
    next_monday = capacity_at(user, ny(2027, 4, 5, 10, 0))

    assert holiday.business_day == date(2027, 3, 29)
    assert monday.window_start == date(2027, 3, 22)
    assert monday.available_today == Decimal("80000.00")
    assert monday.used_five_days == Decimal("220000.00")
    assert next_monday.window_start == date(2027, 3, 30)
    assert next_monday.used_five_days == Decimal("0.00")


@pytest.mark.django_db
def test_W2_the_daily_window_turns_at_new_york_midnight():
    user = make_holder("scc")
    withdraw_at(user, ny(2026, 11, 17, 23, 59), "200000.00")

    same_day = capacity_at(user, ny(2026, 11, 17, 23, 59, 30))
    next_day = capacity_at(user, ny(2026, 11, 18, 0, 0, 1))

    assert same_day.available_today == Decimal("0.00")
    assert next_day.available_today == Decimal("200000.00")
    assert next_day.available_five_days == Decimal("400000.00")
