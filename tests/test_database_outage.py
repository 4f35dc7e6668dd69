"""While the database cannot answer, every page answers 503 in the portal's layout,
"temporarily unavailable; nothing was changed", with Retry-After; nothing of a request cut
off is kept; and the next request after the database is back is served as usual (issue
15). The trading API's answers: tests/trading/test_api_errors.py."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.outage import DATABASE_RETRY_AFTER
from tests.devices.conftest import make_holder
from tests.error_helpers import assert_portal_page, browser, database_down
from tests.factories import DEFAULT_PASSWORD
from tests.login_helpers import card_answer, full_login, is_logged_in, post_login
from tests.withdrawals.helpers import DESTINATION
from withdrawals.idempotency import idempotency_key_new
from withdrawals.models import Withdrawal, WithdrawalIntent

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("accounts:dashboard")
UNAVAILABLE = "temporarily unavailable; nothing was changed"


def assert_unavailable(response) -> None:
    page = assert_portal_page(response, 503, "Temporarily unavailable")
    assert UNAVAILABLE in page
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)


def test_kept_connections_are_checked_before_each_request_uses_them():
    """A connection that PostgreSQL dropped (a restart, a failover) is replaced before the
    request's first query instead of failing it; on PostgreSQL under gunicorn:
    tests/test_database_outage_postgres.py."""
    database = settings.DATABASES["default"]

    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_signed_in_page_answers_503_while_the_database_is_down_then_resumes(user, password):
    """The session and the user are loaded by middleware, before any view: the fault there
    is answered the same way."""
    client = browser()
    full_login(client, user.username, password)

    with database_down():
        response = client.get(DASHBOARD)

    assert_unavailable(response)
    assert is_logged_in(client)


def test_login_answers_503_while_the_database_is_down_and_records_nothing(user, password):
    client = browser()
    events = AuditEvent.objects.count()

    with database_down():
        response = post_login(client, user.username, password)

    assert_unavailable(response)
    assert AuditEvent.objects.count() == events
    assert full_login(client, user.username, password).status_code == 302


def test_the_outage_is_logged_with_its_cause_for_the_operator(user, password, caplog):
    client = browser()

    with database_down(), caplog.at_level(logging.ERROR, logger="django.request"):
        post_login(client, user.username, password)

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Service Unavailable: {reverse('accounts:login')}"
    assert isinstance(record.exc_info[1], OperationalError)


def test_withdrawal_cut_off_by_the_outage_writes_nothing_and_can_be_retried(monkeypatch):
    """The connection is lost after the withdrawal row was written, before its audit event:
    the transaction is discarded whole (no withdrawal, the approval still unused), and the
    same approval goes through once the database is back."""
    user = make_holder("scc")
    client = browser()
    full_login(client, user.username, DEFAULT_PASSWORD)
    reviewed = client.post(
        reverse("withdrawals:withdraw"),
        {
            "account": user.account_id,
            "amount": "1500.00",
            "destination": DESTINATION,
            "device": user.securitydevice_set.get().pk,
            "idempotency_key": idempotency_key_new(),
        },
    )
    approval = client.get(reviewed["Location"])
    challenge = approval.context["challenge"]
    answer = {
        "challenge": challenge.pk,
        "response": card_answer(approval.context["device"], challenge.value),
    }
    events = AuditEvent.objects.count()

    def connection_lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr("withdrawals.services.requests.withdrawal_event_record", connection_lost)
        cut_off = client.post(reviewed["Location"], answer)

    assert_unavailable(cut_off)
    assert not Withdrawal.objects.exists()
    assert WithdrawalIntent.objects.get().used_at is None
    assert AuditEvent.objects.count() == events

    retried = client.post(reviewed["Location"], answer)

    assert retried.status_code == 302
    assert Withdrawal.objects.get().amount == Decimal("1500.00")
