"""`python -m bench.run` (the second half of `make bench`): login throughput through
gunicorn next to django-two-factor-auth's on the same hasher and next to a bare view, peak
memory per worker, and SQL queries per login step and per withdrawal. Settings:
DJANGO_SETTINGS_MODULE=bench.settings with the `make serve` environment; BENCH_WORKERS,
BENCH_USERS (concurrent clients), BENCH_SECONDS (per load) and BENCH_ROUNDS change
the load."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import django

WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
USERS = int(os.environ.get("BENCH_USERS", "6"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TWO_FACTOR_SETTINGS = "bench.two_factor_site.settings"
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
    """Both servers up side by side; their loads alternate, ROUNDS times each, so that
    whatever else the machine is doing weighs on both alike."""
    from accounts.models import AuditEvent, AuditEventType

    from .seed import credentials_write, portal_users_seed
    from .server import gunicorn_running, locust_run

    cards = portal_users_seed(count=USERS * 2)
    portal_cards = credentials_write(cards, folder / "portal.json")
    yardstick_cards = _two_factor_seed(folder / "two_factor.json")
    portal, yardstick, bare = Totals(), Totals(), Totals()
    with (
        gunicorn_running(settings="bench.settings", env={}, workers=WORKERS) as ours,
        gunicorn_running(settings=TWO_FACTOR_SETTINGS, env={}, workers=WORKERS) as theirs,
    ):
        load = {"users": USERS, "seconds": SECONDS}
        for _ in range(ROUNDS):
            portal.add(
                locust_run(
                    user_class="PortalLogin",
                    host=ours.url,
                    credentials=portal_cards,
                    server=ours,
                    **load,
                ),
                "3 response",
            )
            yardstick.add(
                locust_run(
                    user_class="TwoFactorLogin",
                    host=theirs.url,
                    credentials=yardstick_cards,
                    server=theirs,
                    **load,
                ),
                "3 token",
            )
        bare.add(locust_run(user_class="BareView", host=ours.url, **load), "bare view")
    audited = AuditEvent.objects.filter(
        event_type=AuditEventType.LOGIN_SUCCEEDED, subject_id__in=[c["user_id"] for c in cards]
    ).count()
    _print_throughput(portal, yardstick, bare, audited)
    print(
        f"Peak RSS per gunicorn worker: SLS Portal {_peak(ours) / MIB:.0f} MiB, "
        f"django-two-factor-auth site {_peak(theirs) / MIB:.0f} MiB"
    )


class Totals:
    """Completed operations, failures, time and mean latency per step over the rounds."""

    def __init__(self) -> None:
        self.completed = self.failures = 0
        self.seconds = 0.0
        self.steps: dict[str, list[float]] = {}

    def add(self, result, final_step: str) -> None:
        self.completed += result.completed(final_step)
        self.failures += result.failures
        self.seconds += result.seconds
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
    print(f"Ratio SLS Portal / django-two-factor-auth: {portal.rate / yardstick.rate:.2f}")
    print(
        f"Bare Django view on the portal's server (the floor): {bare.rate:.0f} requests/s "
        f"({bare.failures} failed); one login costs as much as {bare.rate / portal.rate:.0f} "
        f"bare requests"
    )


def _print_queries() -> None:
    from .queries import STEPS, queries_table

    print("SQL queries per step (devices per user, audit rows about the user):")
    print(f"{'devices':>7} {'audit rows':>10}  " + "  ".join(f"{step:>17}" for step in STEPS))
    for devices, history, counts in queries_table():
        print(f"{devices:>7} {history:>10,}  " + "  ".join(f"{counts[step]:>17}" for step in STEPS))


if __name__ == "__main__":
    main()
