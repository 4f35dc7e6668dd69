"""How a date or a moment reads on every page, message and e-mail: one format each, so the
limits box, a refusal and an order confirmation name a day the same way. Templates use the
`day`, `day_month` and `moment` filters (`{% load dates %}`); Python code the functions.
Machine formats (`<time datetime>`, ISO in the API) are not for people and stay as they are."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import dateformat, timezone

DAY_FORMAT = "D j M Y"  # Tue 1 Dec 2026
DAY_MONTH_FORMAT = "D j M"  # Tue 1 Dec, the start of a range that ends in the same year
MOMENT_FORMAT = "D j M Y H:i"  # Tue 1 Dec 2026 14:05, followed by " UTC"


def _utc(value: date) -> date:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value.astimezone(UTC)
    return value


def day_text(value: date) -> str:
    """The day of a date or moment, as the limits box and every message write it."""
    return dateformat.format(_utc(value), DAY_FORMAT)


def day_month_text(value: date) -> str:
    return dateformat.format(_utc(value), DAY_MONTH_FORMAT)


def moment_text(value: datetime) -> str:
    """A moment in UTC, which every page and message names as such."""
    return f"{dateformat.format(_utc(value), MOMENT_FORMAT)} UTC"
