"""When a shipped DSC+ arrives and when it activates by itself (T6, KB1132 §8, KB1943).

The source gives "within 2 days" for US residents and "within 2 weeks" elsewhere, and
auto-activation "within three weeks from the shipment date". US delivery counts business
days (a courier does not deliver at weekends); elsewhere the two weeks are calendar days,
the longest the source promises. Exchange holidays are not counted here: a day late is
within "about", and the auto-activation date, which matters for access, is exact.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

US_DELIVERY_BUSINESS_DAYS = 2
ELSEWHERE_DELIVERY = timedelta(days=14)
AUTO_ACTIVATION_AFTER = timedelta(days=21)
# The "approaching" notice a week ahead leaves time to call if the card never came; the
# "imminent" one a day ahead warns that the temporary devices are about to stop.
APPROACHING_NOTICE_BEFORE = timedelta(days=7)
IMMINENT_NOTICE_BEFORE = timedelta(days=1)
SATURDAY = 5


def business_days_after(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < SATURDAY:
            days -= 1
    return current


def delivery_estimate(*, shipped_on: date, country: str) -> date:
    """The latest day a card shipped on `shipped_on` should reach an address in `country`."""
    if country.upper() == "US":
        return business_days_after(shipped_on, US_DELIVERY_BUSINESS_DAYS)
    return shipped_on + ELSEWHERE_DELIVERY


def auto_activation_at(shipped_at: datetime) -> datetime:
    return shipped_at + AUTO_ACTIVATION_AFTER
