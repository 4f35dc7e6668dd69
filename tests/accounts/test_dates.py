"""One way of writing a day and a moment for people (accounts/dates.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template

from accounts.dates import day_month_text, day_text, moment_text


def test_a_day_is_weekday_day_month_year_without_a_leading_zero():
    assert day_text(dt.date(2026, 12, 1)) == "Tue 1 Dec 2026"
    assert day_month_text(dt.date(2026, 11, 24)) == "Tue 24 Nov"


def test_a_moment_is_written_in_utc_and_says_so():
    new_york = dt.datetime(2026, 11, 30, 21, 5, tzinfo=ZoneInfo("America/New_York"))

    assert moment_text(new_york) == "Tue 1 Dec 2026 02:05 UTC"
    assert day_text(new_york) == "Tue 1 Dec 2026"


def test_template_filters_write_the_same_and_nothing_for_no_value():
    template = Template(
        "{% load dates %}[{{ d|day }}|{{ d|day_month }}|{{ m|moment }}|{{ n|moment }}]"
    )
    at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    assert template.render(Context({"d": at.date(), "m": at, "n": None})) == (
        "[Tue 1 Dec 2026|Tue 1 Dec|Tue 1 Dec 2026 09:00 UTC|]"
    )
