"""`make bench`: the capacity check's time at 1,000 and at 1,000,000 ledger rows on
PostgreSQL. A figure of speed, printed, not asserted: timed tests flake, benches inform.

Rows go in with one INSERT ... SELECT over generate_series per size, spread over a hundred
other accounts and ten years of business days, a tenth of a percent landing in the timed
account's own old history; the timed account always has the same 20 rows in its current
window, so both sizes answer the same question. Everything runs in one transaction that is
rolled back, so the append-only ledger is left as it was.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, Client, User
from devices.demo import demo_card_give
from devices.kinds import Kind
from sls_portal.database import database_ensure
from withdrawals.calendar import business_day_of
from withdrawals.models import Withdrawal
from withdrawals.selectors import withdrawal_capacity

SIZES = (1_000, 1_000_000)
OTHER_ACCOUNTS = 100
WINDOW_ROWS = 20
FILL = """
INSERT INTO withdrawals_withdrawal
    (user_id, account_id, amount, currency, destination, tier, tier_reason, business_day,
     created_at)
SELECT users[1 + g %% cardinality(users)], accounts[1 + g %% cardinality(accounts)],
       (1 + g %% 5000)::numeric(18, 2), 'USD', 'BENCH00000000', 'scc', 'bench',
       %(today)s::date - (10 + g %% 3650), now() - make_interval(days => 10 + g %% 3650)
FROM generate_series(%(first)s, %(last)s) AS g,
     (SELECT %(users)s::bigint[] AS users, %(accounts)s::bigint[] AS accounts) AS owners
"""


class Command(BaseCommand):
    help = "Time the withdrawal capacity check at 1,000 and 1,000,000 ledger rows (PostgreSQL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=200, help="Timed calls per size.")

    def handle(self, *args, runs: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The bench needs PostgreSQL: set DATABASE_URL=postgres://...")
        database_ensure()
        call_command("migrate", verbosity=0, interactive=False)
        with transaction.atomic():
            user, owners = _bench_clients()
            now = timezone.now()
            rows = Withdrawal.objects.count()
            for size in SIZES:
                rows = _fill(owners, first=rows, last=size - 1, today=business_day_of(now))
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE withdrawals_withdrawal")
                self.stdout.write(_measure(user, now, runs, size))
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: the ledger is as it was.")


def _bench_clients() -> tuple[User, tuple[list[int], list[int]]]:
    """The timed user (a DSC: both windows limited) and the owners of the filler rows."""
    stamp = time.monotonic_ns() % 10**7
    users = []
    for n in range(OTHER_ACCOUNTS + 1):
        client = Client.objects.create(
            kind=Client.Kind.ENTITY,
            name=f"Bench {n}",
            citizenship="US",
            residence_country="US",
            id_document_type="registration",
            id_document_number=f"B{stamp}-{n}",
        )
        account = Account.objects.create(number=f"U9{stamp:07d}{n:03d}", title=f"Bench {n}")
        users.append(
            User.objects.create(username=f"bench{stamp}x{n}", client=client, account=account)
        )
    timed = users[0]
    demo_card_give(user=timed, kind=Kind.DSC, serial=f"DSC-BENCH-{stamp}")
    now = timezone.now()
    Withdrawal.objects.bulk_create(
        Withdrawal(
            user=timed,
            account=timed.account,
            amount=1,
            destination="BENCH00000000",
            tier="dsc",
            tier_reason="bench",
            business_day=business_day_of(now - timedelta(days=n % 5)),
            created_at=now - timedelta(days=n % 5),
        )
        for n in range(WINDOW_ROWS)
    )
    return timed, ([u.pk for u in users], [u.account_id for u in users])


def _fill(owners, *, first: int, last: int, today) -> int:
    users, accounts = owners
    with connection.cursor() as cursor:
        cursor.execute(
            FILL,
            {"users": users, "accounts": accounts, "first": first, "last": last, "today": today},
        )
    return last + 1


def _measure(user: User, now, runs: int, size: int) -> str:
    account = user.account
    withdrawal_capacity(user, account, now)  # warm the plan and the caches
    timings = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(runs):
            start = time.perf_counter()
            withdrawal_capacity(user, account, now)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    total = Withdrawal.objects.count()
    return (
        f"{total:>9,} ledger rows: capacity check median {statistics.median(timings):.3f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.3f} ms, "
        f"{len(queries) // runs} queries per check, {runs} runs; plan: {_plan(account, now)}"
    )


def _plan(account: Account, now) -> str:
    """The node PostgreSQL chose for the windows' aggregate: an index range, not a scan."""
    today = business_day_of(now)
    query = Withdrawal.objects.filter(
        account=account, business_day__gte=today - timedelta(days=7), business_day__lte=today
    )
    plan = query.explain()
    return next(
        (line.strip(" ->") for line in plan.splitlines() if "Scan" in line), plan.splitlines()[0]
    )
