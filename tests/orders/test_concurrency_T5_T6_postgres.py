"""T5 and T6 under real concurrency on PostgreSQL: simultaneous submissions create one
order, simultaneous clients never get the same card, overlapping cron runs notify once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Notice
from devices.models import Authenticator
from orders.models import DeviceOrder
from orders.services.due_tasks import due_tasks_run
from tests.concurrency import run_at_once
from tests.orders.helpers import place, rich_client_user, stock_card

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 6
SHIPPED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def outcome(call) -> str:
    try:
        call()
    except ValidationError as refused:
        return refused.messages[0]
    return "placed"


def test_T5_simultaneous_submissions_of_one_user_create_one_order():
    user = rich_client_user()
    for _ in range(RACERS):
        stock_card()
    outcomes = run_at_once(lambda: outcome(lambda: place(user)), RACERS)
    assert outcomes.count("placed") == 1
    assert DeviceOrder.objects.count() == 1
    assert Authenticator.objects.filter(state="in_stock").count() == RACERS - 1


def test_T5_simultaneous_clients_each_get_their_own_card():
    users = [rich_client_user() for _ in range(RACERS)]
    for _ in range(RACERS - 2):
        stock_card()
    queue = iter(users)

    def next_user_orders() -> str:
        user = next(queue)
        return outcome(lambda: place(user))

    outcomes = run_at_once(next_user_orders, RACERS)
    assert outcomes.count("placed") == RACERS - 2
    cards = DeviceOrder.objects.values_list("authenticator_id", flat=True)
    assert len(set(cards)) == len(cards) == RACERS - 2


def test_T6_overlapping_runs_send_each_notice_once_and_activate_once():
    users = [rich_client_user() for _ in range(3)]
    for user in users:
        stock_card()
        with time_machine.travel(SHIPPED, tick=False):
            place(user)

    def runs_at(days: int):
        # time-machine moves the clock of the whole process, so every thread sees it.
        with time_machine.travel(SHIPPED + datetime.timedelta(days=days), tick=False):
            return run_at_once(due_tasks_run, RACERS)

    for days in (14, 20):
        sent = sum(len(r.approaching) + len(r.imminent) for r in runs_at(days))
        assert sent == len(users)
    assert sum(len(r.activated) for r in runs_at(21)) == len(users)
    assert Notice.objects.count() == 2 * len(users)
    assert DeviceOrder.objects.filter(status="activated").count() == len(users)
