"""What falls due for shipped DSC+ orders as time passes (T6), run by `manage.py
run_due_tasks` every minute from cron.

Each order is handled in its own transaction under a row lock, and every step records
that it happened (a notice's timestamp, the order's status) before committing, so a run
repeated, overlapping another or interrupted halfway does each thing once. A run that
finds an order past several dates does only the latest: a card already due to activate
gets no "approaching" notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.dates import day_text, moment_text
from accounts.services.notices import notice_send
from orders.delivery import APPROACHING_NOTICE_BEFORE, IMMINENT_NOTICE_BEFORE
from orders.models import DeviceOrder
from orders.services.orders import device_order_activate

APPROACHING = (
    "Your new security device activates on {day}",
    "The Digital Security Card+ shipped to you on {shipped} will activate by "
    "itself on {moment}. Once it is active, your temporary passcode and "
    "online security card stop working. If the card has not arrived, please call Client "
    "Services.",
)
IMMINENT = (
    "Your new security device activates tomorrow",
    "The Digital Security Card+ shipped to you on {shipped} will activate by "
    "itself on {moment}, within a day. From then on, log in with the card "
    "and the PIN you chose; the temporary passcode and online security card will stop "
    "working.",
)


@dataclass
class DueTasksReport:
    approaching: list[int] = field(default_factory=list)
    imminent: list[int] = field(default_factory=list)
    activated: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)


def due_tasks_run() -> DueTasksReport:
    """Send the notices and activate the cards that are due now; safe to run at any time."""
    now = timezone.now()
    report = DueTasksReport()
    for order_id in _due_order_ids(now):
        _order_process(order_id, report)
    return report


def _due_order_ids(now: datetime) -> list[int]:
    due = (
        Q(auto_activate_at__lte=now)
        | Q(imminent_notice_at__isnull=True, auto_activate_at__lte=now + IMMINENT_NOTICE_BEFORE)
        | Q(
            approaching_notice_at__isnull=True,
            imminent_notice_at__isnull=True,
            auto_activate_at__lte=now + APPROACHING_NOTICE_BEFORE,
        )
    )
    orders = DeviceOrder.objects.filter(due, status=DeviceOrder.Status.SHIPPED)
    return list(orders.order_by("auto_activate_at", "pk").values_list("pk", flat=True))


@transaction.atomic
def _order_process(order_id: int, report: DueTasksReport) -> None:
    """One order, under its row lock; an order another run holds is left to that run."""
    skip = connection.features.has_select_for_update_skip_locked
    order = (
        DeviceOrder.objects.select_for_update(skip_locked=skip, of=("self",))
        .select_related("user", "user__client", "authenticator")
        .filter(pk=order_id, status=DeviceOrder.Status.SHIPPED)
        .first()
    )
    if order is None:
        return
    now = timezone.now()
    if now >= order.auto_activate_at:
        activated = device_order_activate(order=order, client=SYSTEM, actor=None)
        (report.activated if activated else report.cancelled).append(order.pk)
    elif (
        order.imminent_notice_at is None and now >= order.auto_activate_at - IMMINENT_NOTICE_BEFORE
    ):
        _notify(order, IMMINENT, "imminent")
        order.imminent_notice_at = now
        order.save(update_fields=["imminent_notice_at"])
        report.imminent.append(order.pk)
    elif (
        order.approaching_notice_at is None
        and order.imminent_notice_at is None
        and now >= order.auto_activate_at - APPROACHING_NOTICE_BEFORE
    ):
        _notify(order, APPROACHING, "approaching")
        order.approaching_notice_at = now
        order.save(update_fields=["approaching_notice_at"])
        report.approaching.append(order.pk)


def _notify(order: DeviceOrder, template: tuple[str, str], kind: str) -> None:
    subject, body = template
    values = {
        "day": day_text(order.auto_activate_at),
        "moment": moment_text(order.auto_activate_at),
        "shipped": day_text(order.shipped_at),
    }
    notice_send(
        user=order.user,
        subject=subject.format(**values),
        body=body.format(**values),
        client=SYSTEM,
        kind=kind,
    )
