"""`python -m bench.run` (the second half of `make bench`): login throughput through
gunicorn next to django-two-factor-auth's on the same hasher and next to a bare view, peak
memory per worker, and SQL queries per login step and per withdrawal. Settings:
DJANGO_SETTINGS_MODULE=bench.settings with the `make serve` environment; BENCH_WORKERS,
BENCH_USERS (concurrent clients), BENCH_SECONDS (per load) and BENCH_ROUNDS change
the load."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import django

from bench.server import (
    CpuMeter,
    Load,
    LoadResult,
    Server,
    gunicorn_running,
    locust_run,
    locust_together,
)

WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
USERS = int(os.environ.get("BENCH_USERS", "6"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SIDE_BY_SIDE_SECONDS = SECONDS * 4
# Before anything is measured each server serves logins for a while: a fresh worker's
# first login also pays for imports and new connections (0.28 s more CPU on the portal).
WARM_UP_SECONDS = 5
TWO_FACTOR_SETTINGS = "bench.two_factor_site.settings"
PORTAL_LAST_STEP = "3 response"
YARDSTICK_LAST_STEP = "3 token"
# TOTP takes each code once: more yardstick users than logins a run can make.
TWO_FACTOR_USERS = 3000
MIB = 1024 * 1024


def main() -> None:
    django.setup()
    from django.core.management import call_command

    from sls_portal.database import database_ensure

    database_ensure()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    with tempfile.TemporaryDirectory() as folder:
        _loads(Path(folder))
    _print_queries()


def _loads(folder: Path) -> None:
    """Both servers up side by side and warmed up; their loads alternate, ROUNDS times
    each, then run at once, so that whatever else the machine is doing weighs on both
    alike."""
    from bench.seed import credentials_write, portal_users_seed

    cards = portal_users_seed(count=USERS * 2)
    portal_cards = credentials_write(cards, folder / "portal.json")
    yardstick_cards = _one_file_per_load(_two_factor_seed(folder / "two_factor.json"))
    portal, yardstick = Totals(PORTAL_LAST_STEP), Totals(YARDSTICK_LAST_STEP)
    with (
        gunicorn_running(settings="bench.settings", env={}, workers=WORKERS) as ours,
        gunicorn_running(settings=TWO_FACTOR_SETTINGS, env={}, workers=WORKERS) as theirs,
    ):
        portal_load = Load(
            user_class="PortalLogin",
            host=ours.url,
            users=USERS,
            seconds=SECONDS,
            credentials=portal_cards,
            server=ours,
        )
        yardstick_load = Load(
            user_class="TwoFactorLogin",
            host=theirs.url,
            users=USERS,
            seconds=SECONDS,
            server=theirs,
        )
        warm_up, *rounds, side_by_side_cards = yardstick_cards
        _warm_up(portal_load, replace(yardstick_load, credentials=warm_up))
        warmed_up = _logins_audited(cards)
        for cards_of_round in rounds:
            portal.add(locust_run(portal_load))
            yardstick.add(locust_run(replace(yardstick_load, credentials=cards_of_round)))
        audited = _logins_audited(cards)
        meters = _side_by_side_meters(ours, theirs)
        side_by_side = locust_together(
            [
                replace(portal_load, seconds=SIDE_BY_SIDE_SECONDS),
                replace(
                    yardstick_load, seconds=SIDE_BY_SIDE_SECONDS, credentials=side_by_side_cards
                ),
            ],
            meters,
        )
        bare = Totals("bare view")
        bare.add(
            locust_run(Load(user_class="BareView", host=ours.url, users=USERS, seconds=SECONDS))
        )
    _print_throughput(portal, yardstick, bare, audited - warmed_up)
    _print_side_by_side(*side_by_side, meters, audited=_logins_audited(cards) - audited)
    print(
        f"Peak RSS per gunicorn worker: SLS Portal {_peak(ours) / MIB:.0f} MiB, "
        f"django-two-factor-auth site {_peak(theirs) / MIB:.0f} MiB"
    )


def _warm_up(*loads: Load) -> None:
    """The loads at once for WARM_UP_SECONDS, before anything is measured."""
    locust_together([replace(load, seconds=WARM_UP_SECONDS) for load in loads])


def _side_by_side_meters(ours: Server, theirs: Server) -> tuple[CpuMeter, CpuMeter]:
    """Each site's gunicorn processes and its database's backends; Redis, which only the
    portal's login uses, counted to the portal."""
    return (
        CpuMeter(ours, database=_database_name(), also=("redis-server",)),
        CpuMeter(theirs, database=_database_name(TWO_FACTOR_SETTINGS)),
    )


class Totals:
    """Completed operations, failures, time and mean latency per step over the rounds."""

    def __init__(self, final_step: str) -> None:
        self.final_step = final_step
        self.completed = self.failures = 0
        self.seconds = 0.0
        self.rounds: list[float] = []
        self.steps: dict[str, list[float]] = {}

    def add(self, result: LoadResult) -> None:
        self.completed += result.completed(self.final_step)
        self.failures += result.failures
        self.seconds += result.seconds
        self.rounds.append(result.per_second(self.final_step))
        for row in result.stats:
            spent = self.steps.setdefault(row["name"], [0, 0])
            spent[0] += row["total_response_time"]
            spent[1] += row["num_requests"]

    @property
    def rate(self) -> float:
        return self.completed / self.seconds

    def latencies(self) -> str:
        return ", ".join(
            f"{name} {total / max(count, 1):.0f} ms"
            for name, (total, count) in sorted(self.steps.items())
        )


def _peak(server) -> int:
    return max(server.peak_worker_rss.values(), default=0)


def _two_factor_seed(path: Path) -> Path:
    subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.two_factor_site.seed", str(TWO_FACTOR_USERS), str(path)],
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": TWO_FACTOR_SETTINGS},
    )
    return path


def _logins_audited(cards: list[dict]) -> int:
    from accounts.models import AuditEvent, AuditEventType

    return AuditEvent.objects.filter(
        event_type=AuditEventType.LOGIN_SUCCEEDED, subject_id__in=[c["user_id"] for c in cards]
    ).count()


def _one_file_per_load(path: Path) -> list[Path]:
    """The yardstick's users split into one file for each of its loads (the warm-up, the
    rounds, side by side): TOTP takes each code once per 30-second step, so no user may
    log in in two loads close together."""
    accounts = json.loads(path.read_text(encoding="utf-8"))
    loads = ROUNDS + 2
    size = len(accounts) // loads
    files = [path.with_name(f"{path.stem}-{n}.json") for n in range(loads)]
    for n, file in enumerate(files):
        file.write_text(json.dumps(accounts[n * size : (n + 1) * size]), encoding="utf-8")
    return files


def _print_throughput(portal: Totals, yardstick: Totals, bare: Totals, audited: int) -> None:
    print(
        f"gunicorn, {WORKERS} workers each, {USERS} concurrent clients, {ROUNDS} alternating "
        f"rounds of {SECONDS} s per login, {os.cpu_count()} CPUs"
    )
    print(
        f"SLS Portal login (password + DSC+ response): {portal.rate:.2f} logins/s "
        f"({portal.completed} logins, {portal.failures} failed requests, {audited} "
        f"login.succeeded audit events); mean per request: {portal.latencies()}"
    )
    print(
        f"django-two-factor-auth login (password + TOTP), same Argon2 hasher: "
        f"{yardstick.rate:.2f} logins/s ({yardstick.completed} logins, {yardstick.failures} "
        f"failed requests); mean per request: {yardstick.latencies()}"
    )
    rounds = zip(portal.rounds, yardstick.rounds, strict=True)
    per_round = sorted(ours / theirs for ours, theirs in rounds)
    print(
        f"Ratio SLS Portal / django-two-factor-auth: {portal.rate / yardstick.rate:.2f} "
        f"(each pair of rounds, lowest first: {', '.join(f'{ratio:.2f}' for ratio in per_round)})"
    )
    print(
        f"Bare Django view on the portal's server (the floor): {bare.rate:.0f} requests/s "
        f"({bare.failures} failed); one login costs as much as {bare.rate / portal.rate:.0f} "
        f"bare requests"
    )


def _print_side_by_side(
    ours: LoadResult, theirs: LoadResult, meters: tuple[CpuMeter, CpuMeter], audited: int
) -> None:
    """Both loads at once share the CPUs moment by moment, so a burst of other work on the
    machine slows both alike: the ratio is that of the work each login costs. The CPU each
    side spent per login says the same without depending on how the scheduler shared the
    CPUs between the two."""
    portal_logins = ours.completed(PORTAL_LAST_STEP)
    yardstick_logins = theirs.completed(YARDSTICK_LAST_STEP)
    portal_rate = ours.per_second(PORTAL_LAST_STEP)
    yardstick_rate = theirs.per_second(YARDSTICK_LAST_STEP)
    print(
        f"Side by side, both loads at once for {SIDE_BY_SIDE_SECONDS} s: SLS Portal "
        f"{portal_rate:.2f} logins/s ({portal_logins} logins, {ours.failures} failed "
        f"requests, {audited} login.succeeded audit events), django-two-factor-auth "
        f"{yardstick_rate:.2f} logins/s ({yardstick_logins} logins, {theirs.failures} failed "
        f"requests); ratio {portal_rate / yardstick_rate:.2f}"
    )
    portal_cpu = meters[0].seconds / max(portal_logins, 1) * 1000
    yardstick_cpu = meters[1].seconds / max(yardstick_logins, 1) * 1000
    print(
        f"CPU per login side by side (gunicorn processes and their PostgreSQL backends; "
        f"Redis, which only the portal uses, counted to the portal): SLS Portal "
        f"{portal_cpu:.0f} ms, django-two-factor-auth {yardstick_cpu:.0f} ms; logins per "
        f"CPU-second, SLS Portal / django-two-factor-auth: {yardstick_cpu / portal_cpu:.2f}"
    )


def _database_name(settings_module: str | None = None) -> str:
    """The PostgreSQL database a site's settings name; the portal's when None."""
    if settings_module is None:
        from django.conf import settings

        return settings.DATABASES["default"]["NAME"]
    module = importlib.import_module(settings_module)
    return module.DATABASES["default"]["NAME"]


def _print_queries() -> None:
    from bench.queries import STEPS, queries_table, served_login_queries

    served = served_login_queries()
    print(
        "SQL queries per login step as served (no transaction around the request): "
        + ", ".join(f"{step} {count}" for step, count in served.items())
    )
    print(
        "SQL queries per step inside one rolled-back transaction, where atomic blocks are "
        "savepoints or nothing (devices per user, audit rows about the user):"
    )
    print(f"{'devices':>7} {'audit rows':>10}  " + "  ".join(f"{step:>17}" for step in STEPS))
    for devices, history, counts in queries_table():
        print(f"{devices:>7} {history:>10,}  " + "  ".join(f"{counts[step]:>17}" for step in STEPS))


if __name__ == "__main__":
    main()
