"""The login path's SQL stays flat as a user's devices and history grow: no query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEventType, AuditOutcome
from accounts.services.audit import audit_record
from tests.factories import UserFactory, give_device
from tests.login_helpers import card_answer, post_login

pytestmark = pytest.mark.django_db


def login_queries(client, user, password) -> tuple[int, int, int]:
    """Queries of the password step (answered with the device step), of the device page
    opened again, as "Use this device" does, and of the answer. Each count is taken as its
    step ends: the next request clears Django's query log."""
    with CaptureQueriesContext(connection) as password_step:
        post_login(client, user.username, password)
    password_count = len(password_step)
    with CaptureQueriesContext(connection) as device_step:
        page = client.get(reverse("devices:login_device"))
    device_count = len(device_step)
    device, challenge = page.context["device"], page.context["challenge"]
    with CaptureQueriesContext(connection) as answer_step:
        response = client.post(
            reverse("devices:login_device"),
            {
                "device": device.pk,
                "challenge": challenge.pk,
                "response": card_answer(device, challenge.value),
            },
        )
    answer_count = len(answer_step)
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    return password_count, device_count, answer_count


def test_L4_login_queries_do_not_grow_with_devices_or_history(client, password):
    small = UserFactory()
    large = UserFactory()
    for _ in range(9):
        give_device(large, "scc")
    for _ in range(300):
        audit_record(
            event_type=AuditEventType.LOGIN_FAILED,
            outcome=AuditOutcome.FAILURE,
            subject=large,
            client=SYSTEM,
        )
    login_queries(client, small, password)

    small_counts = login_queries(client, small, password)
    assert min(small_counts) > 0
    assert small_counts == login_queries(client, large, password)
