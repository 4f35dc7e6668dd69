"""T7 (KB1943 note 2, KB1861, KB975): the USD 20 deposit is released when the card comes
back and kept when it is lost, stolen or damaged."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices.temporary.services import device_report, device_return_record
from orders.models import DeviceOrder
from tests.orders.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(rich_user, card) -> DeviceOrder:
    return place(rich_user)


def hold_events(event_type) -> list[dict]:
    return list(AuditEvent.objects.filter(event_type=event_type).values_list("detail", flat=True))


def test_T7_hold_released_when_the_card_comes_back(order, support_agent):
    device_return_record(authenticator=order.authenticator, agent=support_agent, client=SYSTEM)
    order.refresh_from_db()
    assert order.hold == DeviceOrder.Hold.RELEASED
    assert order.hold_reason == "Device returned"
    [detail] = hold_events(AuditEventType.HOLD_RELEASED)
    assert detail["account"] == order.hold_account.number and detail["amount"] == "20.00"


@pytest.mark.parametrize("state", ["lost", "damaged"])
def test_T7_hold_kept_when_the_card_is_reported_lost_or_damaged(order, support_agent, state):
    device_report(
        authenticator=order.authenticator, state=state, agent=support_agent, client=SYSTEM
    )
    order.refresh_from_db()
    assert order.hold == DeviceOrder.Hold.KEPT
    assert order.hold_reason == f"Device {state}"
    [detail] = hold_events(AuditEventType.HOLD_KEPT)
    assert detail["order"] == order.pk
    event = AuditEvent.objects.get(event_type=AuditEventType.HOLD_KEPT)
    assert event.actor == support_agent and event.subject == order.user


def test_T7_reporting_twice_keeps_the_hold_once(order, support_agent):
    for state in ("damaged", "lost"):
        device_report(
            authenticator=order.authenticator, state=state, agent=support_agent, client=SYSTEM
        )
    assert len(hold_events(AuditEventType.HOLD_KEPT)) == 1


def test_T7_a_damaged_card_sent_back_has_its_hold_released(order, support_agent):
    device_report(
        authenticator=order.authenticator, state="damaged", agent=support_agent, client=SYSTEM
    )
    device_return_record(authenticator=order.authenticator, agent=support_agent, client=SYSTEM)
    order.refresh_from_db()
    assert order.hold == DeviceOrder.Hold.RELEASED


def test_T7_cards_without_an_order_have_no_hold(rich_user, support_agent):
    scc = rich_user.securitydevice_set.get().authenticator
    device_report(authenticator=scc, state="lost", agent=support_agent, client=SYSTEM)
    device_return_record(authenticator=scc, agent=support_agent, client=SYSTEM)
    assert hold_events(AuditEventType.HOLD_KEPT) == hold_events(AuditEventType.HOLD_RELEASED) == []


def _failing_hold(**kwargs) -> int:
    raise DatabaseError("the deposit could not be written")


def test_T7_a_report_whose_hold_fails_is_rolled_back(order, support_agent, monkeypatch):
    """The deposit is kept in the report's own transaction: a report cannot commit while
    its deposit stays held."""
    monkeypatch.setattr("orders.receivers.hold_keep", _failing_hold)
    with pytest.raises(DatabaseError):
        device_report(
            authenticator=order.authenticator, state="lost", agent=support_agent, client=SYSTEM
        )
    order.authenticator.refresh_from_db()
    assert order.authenticator.state == "shipped"
    assert not AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_REPORTED).exists()


def test_T7_a_return_whose_release_fails_is_rolled_back(order, support_agent, monkeypatch):
    monkeypatch.setattr("orders.receivers.hold_release", _failing_hold)
    with pytest.raises(DatabaseError):
        device_return_record(authenticator=order.authenticator, agent=support_agent, client=SYSTEM)
    order.authenticator.refresh_from_db()
    order.refresh_from_db()
    assert order.authenticator.state == "shipped" and order.hold == DeviceOrder.Hold.HELD
    assert not AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_RETURNED).exists()
