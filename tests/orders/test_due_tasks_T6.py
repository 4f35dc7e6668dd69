"""T6 (KB1943 note 3): `run_due_tasks` walks an order through its notices and activates the
card three weeks after shipment, once each however often it runs."""

from __future__ import annotations

import datetime
import smtplib
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, Notice
from accounts.services.addresses import Address
from devices.models import Authenticator, SecurityDevice
from devices.selectors import active_devices
from devices.temporary.services import device_report, online_card_issue, passcode_issue
from orders.models import DeviceOrder
from orders.services.due_tasks import due_tasks_run
from tests.factories import UserFactory
from tests.identification_helpers import caller_identified
from tests.orders.helpers import place, rich_client_user, stock_card

pytestmark = pytest.mark.django_db

SHIPPED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
LONDON = Address("10 Downing Street", "London", "SW1A 2AA", "GB")


@pytest.fixture
def order(rich_user, card):
    with time_machine.travel(SHIPPED, tick=False):
        return place(rich_user)


def run_at(moment: datetime.datetime, capture) -> str:
    """`manage.py run_due_tasks` at `moment`, with the e-mails of committed work sent."""
    out = StringIO()
    with time_machine.travel(moment, tick=False), capture(execute=True):
        call_command("run_due_tasks", stdout=out)
    return out.getvalue()


def notice_kinds(user) -> list[str]:
    return [
        event.detail["kind"]
        for event in AuditEvent.objects.filter(
            subject=user, event_type=AuditEventType.NOTICE_SENT
        ).order_by("at", "id")
    ]


def test_T6_nothing_is_due_in_the_first_two_weeks(order, django_capture_on_commit_callbacks):
    for day in (0, 1, 7, 13):
        run_at(SHIPPED + day * DAY, django_capture_on_commit_callbacks)
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_T6_approaching_notice_a_week_before_activation(
    order, rich_user, django_capture_on_commit_callbacks
):
    run_at(SHIPPED + 14 * DAY - datetime.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert not Notice.objects.exists()
    output = run_at(SHIPPED + 14 * DAY, django_capture_on_commit_callbacks)
    assert "approaching notices: 1" in output
    notice = Notice.objects.get(user=rich_user)
    assert "Mon 23 Mar 2026" in notice.subject
    assert [message.to for message in mail.outbox] == [[rich_user.client.email]]
    assert mail.outbox[0].subject == notice.subject
    assert notice_kinds(rich_user) == ["approaching"]


def test_T6_imminent_notice_a_day_before_activation(
    order, rich_user, django_capture_on_commit_callbacks
):
    run_at(SHIPPED + 14 * DAY, django_capture_on_commit_callbacks)
    run_at(SHIPPED + 20 * DAY - datetime.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert notice_kinds(rich_user) == ["approaching"]
    run_at(SHIPPED + 20 * DAY, django_capture_on_commit_callbacks)
    assert notice_kinds(rich_user) == ["approaching", "imminent"]
    assert len(mail.outbox) == 2
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.SHIPPED


def test_T6_running_every_minute_sends_each_notice_once(
    order, rich_user, django_capture_on_commit_callbacks
):
    for moment in (SHIPPED + 14 * DAY, SHIPPED + 20 * DAY, SHIPPED + 21 * DAY):
        for minute in range(3):
            run_at(
                moment + minute * datetime.timedelta(minutes=1), django_capture_on_commit_callbacks
            )
    assert notice_kinds(rich_user) == ["approaching", "imminent"]
    # The two notices, and the security e-mail of the card's activation (ASVS 6.3.5), once.
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_AUTO_ACTIVATED).count() == 1


def test_T6_card_activates_three_weeks_after_shipment(
    order, rich_user, django_capture_on_commit_callbacks
):
    run_at(SHIPPED + 21 * DAY - datetime.timedelta(seconds=1), django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.SHIPPED
    output = run_at(SHIPPED + 21 * DAY, django_capture_on_commit_callbacks)
    assert "activated: 1" in output
    order.refresh_from_db()
    card = order.authenticator
    assert order.status == DeviceOrder.Status.ACTIVATED
    assert card.state == Authenticator.State.ACTIVE
    assert card.activated_at == SHIPPED + 21 * DAY
    assert card in [device.authenticator for device in active_devices(rich_user)]
    assert AuditEvent.objects.filter(
        subject=rich_user, event_type=AuditEventType.DEVICE_AUTO_ACTIVATED, outcome="success"
    ).exists()


def test_T6_a_late_run_activates_without_stale_notices(
    order, rich_user, django_capture_on_commit_callbacks
):
    run_at(SHIPPED + 30 * DAY, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.ACTIVATED
    assert notice_kinds(rich_user) == []


def test_T6_a_run_after_the_approaching_date_sends_only_the_imminent_notice(
    order, rich_user, django_capture_on_commit_callbacks
):
    run_at(SHIPPED + 20 * DAY + datetime.timedelta(hours=2), django_capture_on_commit_callbacks)
    run_at(SHIPPED + 20 * DAY + datetime.timedelta(hours=3), django_capture_on_commit_callbacks)
    assert notice_kinds(rich_user) == ["imminent"]


def test_T6_activation_ends_temporary_devices_and_retires_the_replaced_card(
    support_agent, django_capture_on_commit_callbacks
):
    user = UserFactory()
    old = user.securitydevice_set.get().authenticator
    passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="lost",
        client=SYSTEM,
    )
    online_card = online_card_issue(user=user, client=SYSTEM)
    device_report(authenticator=old, state="lost", agent=support_agent, client=SYSTEM)
    stock_card()
    with time_machine.travel(SHIPPED, tick=False):
        order = place(user, address=LONDON)
    assert order.replaces == old
    run_at(SHIPPED + 21 * DAY, django_capture_on_commit_callbacks)
    online_card.refresh_from_db()
    old.refresh_from_db()
    assert online_card.state == Authenticator.State.REVOKED
    assert old.state == Authenticator.State.LOST
    assert [d.authenticator for d in active_devices(user)] == [order.authenticator]


def test_T6_activation_revokes_a_replaced_card_still_marked_active(
    support_agent, django_capture_on_commit_callbacks
):
    user = UserFactory()
    old = user.securitydevice_set.get().authenticator
    passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="unavailable",
        client=SYSTEM,
    )
    online_card_issue(user=user, client=SYSTEM)
    stock_card()
    with time_machine.travel(SHIPPED, tick=False):
        order = place(user, address=LONDON)
    assert order.replaces == old
    run_at(SHIPPED + 21 * DAY, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert old.state == Authenticator.State.REVOKED


def test_T6_a_card_lost_in_transit_is_not_activated(
    order, support_agent, django_capture_on_commit_callbacks
):
    device_report(
        authenticator=order.authenticator, state="lost", agent=support_agent, client=SYSTEM
    )
    run_at(SHIPPED + 21 * DAY, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.CANCELLED
    assert order.authenticator.state == Authenticator.State.LOST
    assert not SecurityDevice.objects.filter(
        authenticator=order.authenticator, authenticator__state="active"
    ).exists()


def test_T6_due_tasks_report_is_empty_when_nothing_is_due(db):
    report = due_tasks_run()
    assert (report.approaching, report.imminent, report.activated) == ([], [], [])


def test_T6_a_mail_server_down_does_not_stop_the_run(
    order, monkeypatch, django_capture_on_commit_callbacks
):
    """The notice stays on the portal and the next order is still handled."""
    other = rich_client_user()
    stock_card()
    with time_machine.travel(SHIPPED, tick=False):
        place(other)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("accounts.services.notices.send_mail", refuse)
    output = run_at(SHIPPED + 14 * DAY, django_capture_on_commit_callbacks)
    assert "approaching notices: 2" in output
    assert Notice.objects.count() == 2


def test_T6_auto_activation_emails_the_new_device(
    order, rich_user, django_capture_on_commit_callbacks
):
    run_at(SHIPPED + 21 * DAY, django_capture_on_commit_callbacks)

    added = [
        m for m in mail.outbox if m.subject.endswith("A security device was added to your user")
    ]
    assert len(added) == 1
    assert added[0].to == [rich_user.client.email]
    assert order.authenticator.serial in added[0].body
