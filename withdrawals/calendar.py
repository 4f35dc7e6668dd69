"""Business days and the two rolling windows of W2, in New York time.

A business day is a weekday that is not an NYSE holiday. Every withdrawal belongs to one
business day: the New York date of the request when that date is a business day, else the
next business day (a Saturday request counts towards Monday, or Tuesday when that Monday
is a holiday). The "day" window is the current business day; the "5 business days" window
is the current business day and the four before it. docs/withdrawals.md says why.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from withdrawals import conf

EXCHANGE_ZONE = ZoneInfo(conf.EXCHANGE_TIME_ZONE)
ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _exchange_holidays(year: int) -> frozenset[date]:
    """One year's closures, computed once per process; no query, no shared mutable state."""
    return frozenset(holidays.financial_holidays(conf.EXCHANGE, years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _exchange_holidays(day.year)


def business_day_of(at: datetime) -> date:
    """The business day a withdrawal made at `at` counts towards."""
    day = at.astimezone(EXCHANGE_ZONE).date()
    while not is_business_day(day):
        day += ONE_DAY
    return day


def window_start(day: date, business_days: int = conf.WINDOW_BUSINESS_DAYS) -> date:
    """The first of `business_days` business days ending with the business day `day`."""
    counted = 1
    while counted < business_days:
        day -= ONE_DAY
        if is_business_day(day):
            counted += 1
    return day
