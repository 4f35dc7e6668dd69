"""W3: the ledger is append-only (ORM and database), amounts are exact decimals, every
outcome is in the audit trail, and the capacity check costs the same whatever the ledger
holds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, AuditEventType
from tests.devices.conftest import make_holder
from tests.factories import StaffFactory, UserFactory
from tests.login_helpers import full_login
from tests.withdrawals.helpers import DESTINATION, withdraw
from withdrawals.models import Withdrawal
from withdrawals.selectors import withdrawal_capacity
from withdrawals.services.refusals import WithdrawalRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def scc_user():
    return make_holder("scc")


def test_W3_ledger_refuses_update_and_delete_in_the_orm(scc_user):
    withdrawal = withdraw(scc_user, "10.00")

    with pytest.raises(PermissionError):
        withdrawal.save()
    with pytest.raises(PermissionError):
        withdrawal.delete()
    with pytest.raises(PermissionError):
        Withdrawal.objects.filter(pk=withdrawal.pk).update(amount=Decimal("1.00"))
    with pytest.raises(PermissionError):
        Withdrawal.objects.filter(pk=withdrawal.pk).delete()


def test_W3_database_refuses_to_rewrite_a_withdrawal(scc_user):
    withdrawal = withdraw(scc_user, "10.00")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE withdrawals_withdrawal SET amount = 1 WHERE id = %s", [withdrawal.pk]
        )

    withdrawal.refresh_from_db()
    assert withdrawal.amount == Decimal("10.00")


@pytest.mark.postgres
def test_W3_postgres_refuses_to_delete_a_withdrawal(scc_user):
    withdrawal = Withdrawal.objects.create(  # no approval points at it: only the trigger guards
        user=scc_user,
        account=scc_user.account,
        amount=Decimal("10.00"),
        destination=DESTINATION,
        tier="scc",
        tier_reason="test",
        business_day=date(2026, 11, 16),
    )

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM withdrawals_withdrawal WHERE id = %s", [withdrawal.pk])

    assert Withdrawal.objects.filter(pk=withdrawal.pk).exists()


def test_W3_amounts_are_exact_decimals():
    user = UserFactory(device="scc")
    user.account.sls_opted_out = True
    user.account.save(update_fields=["sls_opted_out"])
    for amount in ("0.10", "0.20", "49999.69"):
        withdraw(user, amount)

    capacity = withdrawal_capacity(user, user.account, timezone.now())
    with pytest.raises(WithdrawalRefused) as refusal:
        withdraw(user, "0.02")

    assert capacity.used_today == Decimal("49999.99")
    assert capacity.available_today == Decimal("0.01")
    assert "Still available: USD 0.01 today" in refusal.value.message
    assert withdraw(user, "0.01").amount == Decimal("0.01")


def test_W3_each_outcome_is_audited(scc_user):
    withdraw(scc_user, "200000.00")
    with pytest.raises(WithdrawalRefused):
        withdraw(scc_user, "1.00")

    events = list(
        AuditEvent.objects.filter(event_type__startswith="withdrawal.")
        .order_by("at", "id")
        .values_list("event_type", "detail")
    )

    assert [event for event, _ in events] == [
        AuditEventType.WITHDRAWAL_REQUESTED,
        AuditEventType.WITHDRAWAL_ACCEPTED,
        AuditEventType.WITHDRAWAL_REFUSED,
    ]
    assert events[1][1]["amount"] == "200000.00"
    assert events[2][1]["reason"] == "over_limit"
    assert DESTINATION not in str(events), "the trail keeps only the last digits"


def test_W3_accepted_withdrawal_records_tier_and_business_day(scc_user):
    withdrawal = withdraw(scc_user, "12.34")

    assert withdrawal.tier == "scc"
    assert withdrawal.tier_reason.startswith("Security Code Card, serial SCC-")
    assert withdrawal.currency == "USD"
    assert isinstance(withdrawal.business_day, date)
    assert withdrawal.destination == DESTINATION


@pytest.mark.parametrize("rows", [10, 500])
def test_W3_capacity_check_query_count_is_constant(scc_user, rows):
    today = timezone.now()
    Withdrawal.objects.bulk_create(
        Withdrawal(
            user=scc_user,
            account=scc_user.account,
            amount=Decimal("1.00"),
            destination=DESTINATION,
            tier="scc",
            tier_reason="bulk",
            business_day=date(2020, 1, 1) if n % 2 else date.today(),
            created_at=today,
        )
        for n in range(rows)
    )

    with CaptureQueriesContext(connection) as queries:
        capacity = withdrawal_capacity(scc_user, scc_user.account, today)

    assert len(queries) == 2  # active devices, then one aggregate over both windows
    assert capacity.used_today + capacity.available_today == Decimal("200000.00")


def test_W3_admin_shows_the_ledger_read_only(support_agent):
    model_admin = site._registry[Withdrawal]
    request = RequestFactory().get("/admin/withdrawals/withdrawal/")
    request.user = support_agent

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_W3_admin_lists_the_ledger_and_opens_rows_view_only(client, scc_user, password):
    withdraw(scc_user, "321.09")
    StaffFactory(username="auditor", is_superuser=True)
    full_login(client, "auditor", password)

    listing = client.get(reverse("admin:withdrawals_withdrawal_changelist"))
    row = Withdrawal.objects.get()
    change = client.get(reverse("admin:withdrawals_withdrawal_change", args=[row.pk]))
    post = client.post(reverse("admin:withdrawals_withdrawal_change", args=[row.pk]), {})

    assert listing.status_code == 200 and "321.09" in listing.content.decode()
    assert change.status_code == 200 and not change.context["has_change_permission"]
    assert post.status_code == 403
    assert client.get(reverse("admin:withdrawals_withdrawal_add")).status_code == 403
