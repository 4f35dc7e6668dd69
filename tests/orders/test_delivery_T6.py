"""T6 (KB1132 §8): about 2 business days to a US address, up to 2 weeks elsewhere."""

from __future__ import annotations

import datetime

import pytest

from orders.delivery import auto_activation_at, business_days_after, delivery_estimate


@pytest.mark.parametrize(
    ("shipped_on", "arrives_by"),
    [
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 4)),  # Monday → Wednesday
        (datetime.date(2026, 3, 5), datetime.date(2026, 3, 9)),  # Thursday → Monday
        (datetime.date(2026, 3, 6), datetime.date(2026, 3, 10)),  # Friday → Tuesday
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 10)),  # Saturday → Tuesday
    ],
)
def test_T6_us_delivery_takes_two_business_days(shipped_on, arrives_by):
    assert delivery_estimate(shipped_on=shipped_on, country="US") == arrives_by


@pytest.mark.parametrize("country", ["GB", "DE", "JP", "CA"])
def test_T6_delivery_elsewhere_takes_up_to_two_weeks(country):
    shipped_on = datetime.date(2026, 3, 2)
    assert delivery_estimate(shipped_on=shipped_on, country=country) == datetime.date(2026, 3, 16)


def test_T6_business_days_skip_the_weekend():
    assert business_days_after(datetime.date(2026, 3, 6), 1) == datetime.date(2026, 3, 9)


def test_T6_auto_activation_is_three_weeks_after_shipment():
    shipped = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    assert auto_activation_at(shipped) == datetime.datetime(2026, 3, 23, 10, 0, tzinfo=datetime.UTC)
