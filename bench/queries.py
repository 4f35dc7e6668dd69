"""SQL queries per login step and per withdrawal, for a user with 1 and with 50 devices,
with a short audit history and with 100,000 more audit rows about that user. Runs in one
transaction that is rolled back: the bench database keeps none of it (the audit table is
append-only, so rows could not be removed otherwise). Inside that transaction Django's
atomic blocks are savepoints, or no statement at all where they ask for none, instead of
the BEGIN and COMMIT they cost as served, so the login steps are also counted once
outside it (`served_login_queries`)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, User
from bench.seed import BENCH_PIN, portal_users_seed
from devices.crypto import secret_decrypt
from devices.models import SecurityDevice
from devices.ocra import ocra_response
from withdrawals.idempotency import idempotency_key_new
from withdrawals.services.intents import withdrawal_intent_create
from withdrawals.services.requests import StepUp, withdrawal_request

DEVICE_COUNTS = (1, 50)
SMALL_HISTORY = 10
LARGE_HISTORY = 100_000
STEPS = ("login page", "password", "response", "withdrawal review", "withdrawal")
DESTINATION = "GB82WEST12345698765432"
CHALLENGE = re.compile(r'data-testid="challenge-value">([^<]+)<')
HIDDEN = r'<input type="hidden" name="{name}" value="([^"]*)"[^>]*id="id_{name}"'
# Old, successful events: history that must not cost queries, and no lockout (L3).
FILL = """
INSERT INTO accounts_auditevent
    (at, event_type, outcome, actor_id, actor_username, subject_id, subject_username,
     user_agent, detail)
SELECT now() - interval '2 days' - make_interval(mins => g),
       CASE WHEN g %% 2 = 0 THEN 'login.succeeded' ELSE 'login.logout' END, 'success',
       %(user)s, %(username)s, %(user)s, %(username)s, 'bench', '{}'::jsonb
FROM generate_series(1, %(rows)s) AS g
"""


def queries_table() -> list[tuple[int, int, dict[str, int]]]:
    """(devices per user, audit rows about the user, queries per step) for each case."""
    rows = []
    with transaction.atomic():
        for devices in DEVICE_COUNTS:
            card = portal_users_seed(count=1, devices=devices)[0]
            user = User.objects.get(pk=card["user_id"])
            user.account.equity = Decimal("1000000")
            user.account.save(update_fields=["equity"])
            _history_fill(user, max(SMALL_HISTORY - _history(user), 0))
            _steps(card, user)  # the first login warms Django's caches
            rows.append((devices, _history(user), _steps(card, user)))
            _history_fill(user, LARGE_HISTORY)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE accounts_auditevent")
            rows.append((devices, _history(user), _steps(card, user)))
        transaction.set_rollback(True)
    return rows


def _history(user: User) -> int:
    return AuditEvent.objects.filter(subject=user).count()


def _history_fill(user: User, rows: int) -> None:
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"user": user.pk, "username": user.username, "rows": rows})


def _hidden(name: str, page: str) -> str:
    return re.search(HIDDEN.format(name=name), page).group(1)


def _answer(device: SecurityDevice, challenge: str) -> str:
    """What the card computes: the bench's cards share one PIN."""
    card = device.authenticator
    return ocra_response(
        suite=card.ocra_suite, key=secret_decrypt(card.secret), challenge=challenge, pin=BENCH_PIN
    )


def served_login_queries() -> dict[str, int]:
    """Queries of the login steps outside any transaction, as gunicorn serves them: there
    each atomic block (the session store's writes among them) is a BEGIN and a COMMIT.
    The user it logs in stays in the bench database, as the load's users do."""
    card = portal_users_seed(count=1)[0]
    _login_steps(card)  # the first login warms Django's caches
    return _login_steps(card)


def _steps(card: dict, user: User) -> dict[str, int]:
    counts = _login_steps(card)
    counts.update(_withdrawal(user))
    return counts


def _login_steps(card: dict) -> dict[str, int]:
    browser = Client()
    counts = {}
    with CaptureQueriesContext(connection) as queries:
        browser.get("/login/")
    counts["login page"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        page = browser.post(
            "/login/", {"username": card["username"], "password": card["password"], "next": "/"}
        )
    counts["password"] = len(queries)
    device = SecurityDevice.objects.select_related("authenticator").get(
        pk=_hidden("device", page.content.decode())
    )
    with CaptureQueriesContext(connection) as queries:
        done = browser.post(
            "/login/device/",
            {
                "device": device.pk,
                "challenge": _hidden("challenge", page.content.decode()),
                "response": _answer(device, CHALLENGE.search(page.content.decode()).group(1)),
                "next": "/",
            },
        )
    counts["response"] = len(queries)
    if done.status_code != 302 or done["Location"] != "/":
        raise RuntimeError(f"the bench login failed: {done.status_code}")
    return counts


def _withdrawal(user: User) -> dict[str, int]:
    user.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        intent, challenge = withdrawal_intent_create(
            user=user,
            account=user.account,
            amount=Decimal("10"),
            destination=DESTINATION,
            device_id=None,
            client=SYSTEM,
            idempotency_key=idempotency_key_new(),  # as the portal's form carries it
        )
    review = len(queries)
    answer = _answer(intent.device, challenge.value)
    with CaptureQueriesContext(connection) as queries:
        withdrawal_request(
            user=user,
            account=user.account,
            amount=intent.amount,
            destination=intent.destination,
            step_up=StepUp(intent_token=intent.token, challenge_id=challenge.pk, response=answer),
            idempotency_key=intent.idempotency_key,
            client=SYSTEM,
        )
    return {"withdrawal review": review, "withdrawal": len(queries)}
