"""Every connection of the servers to the database ended at once (a restart, a failover,
an operator's pg_terminate_backend): each worker finds its kept connection dead and opens
another before the request uses it (CONN_HEALTH_CHECKS), so no request fails, the
session survives, and a withdrawal made right after is in the ledger with its audit event."""

from __future__ import annotations

from django.db import connection

from accounts.models import AuditEvent, AuditEventType
from tests.faults.portal import (
    FAULT_TEST_MARKS,
    Browser,
    approval_form,
    card_holder,
    server_with_own_redis,
    sign_in,
    withdrawal_review,
)
from withdrawals.models import Withdrawal

pytestmark = FAULT_TEST_MARKS


def backends_terminate() -> int:
    """End every other connection to the test database; this test's own is spared."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.rowcount


def test_terminated_backends_cost_no_request_and_no_withdrawal():
    card = card_holder()
    with server_with_own_redis(workers=2) as (server, _):
        browser = Browser(server)
        sign_in(browser, card)
        for _ in range(4):
            assert browser.page("/").status_code == 200

        assert backends_terminate() >= 1
        after = [browser.page(path).status_code for path in ("/", "/", "/withdrawals/", "/")]
        approve_path, key = withdrawal_review(browser, "25.00")
        assert backends_terminate() >= 1
        approved = browser.submit(approve_path, approval_form(browser, approve_path, card))
        confirmation = browser.page(approved.headers["Location"])

    assert after == [200, 200, 200, 200]
    assert approved.status_code == 302
    assert confirmation.status_code == 200
    assert "Withdrawal accepted" in confirmation.text
    withdrawal = Withdrawal.objects.get(user_id=card["user_id"], idempotency_key=key)
    assert str(withdrawal.amount) == "25.00"
    assert (
        AuditEvent.objects.filter(
            subject_id=card["user_id"],
            event_type=AuditEventType.WITHDRAWAL_ACCEPTED,
            detail__withdrawal=withdrawal.pk,
        ).count()
        == 1
    )
    assert browser.server_errors == []
