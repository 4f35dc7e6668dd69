"""The production run under load: gunicorn with several workers serving the `make serve`
settings, locust playing clients who log in with password and DSC+ for a bounded time.
No request fails and every completed login left exactly one login.succeeded event."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import AuditEvent, AuditEventType
from bench.seed import credentials_write, portal_users_seed
from bench.server import Load, gunicorn_running, locust_run
from tests.serving import ARGON2, server_env

# Under `make test`'s parallel workers the real-server tests run one at a time: their
# gunicorn processes share Redis without a per-test key prefix (the per-address throttles).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("servers"),
]

WORKERS = 2
CLIENTS = 3
SECONDS = 12
LOAD_LIMITS = "password_ip=100000/300,second_factor_ip=100000/300"


def test_L1_L5_complete_logins_under_load_fail_none_and_lose_no_audit_event(tmp_path):
    # Every client of the load comes from 127.0.0.1: the per-address throttles are raised.
    env = {**server_env(), "SLS_THROTTLE_LIMITS": LOAD_LIMITS}
    with override_settings(PASSWORD_HASHERS=ARGON2):
        cards = portal_users_seed(count=CLIENTS * 2)
    credentials = credentials_write(cards, tmp_path / "cards.json")

    with gunicorn_running(settings="sls_portal.settings.serve", env=env, workers=WORKERS) as server:
        load = locust_run(
            Load(
                user_class="PortalLogin",
                host=server.url,
                users=CLIENTS,
                seconds=SECONDS,
                credentials=credentials,
            )
        )

    completed = load.completed("3 response")
    assert completed > 0
    assert load.failures == 0, load.stats
    succeeded = AuditEvent.objects.filter(
        event_type=AuditEventType.LOGIN_SUCCEEDED, subject_id__in=[c["user_id"] for c in cards]
    )
    assert succeeded.count() == completed
