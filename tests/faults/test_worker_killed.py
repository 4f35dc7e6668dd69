"""Every worker of the server SIGKILLed while a withdrawal's approval is in flight (the
kernel's OOM killer, a crash): the client may get no answer at all, but the ledger holds
that withdrawal at most once, never without its audit event, and the same form sent again
once the master has started new workers makes it exactly once, or names the one made."""

from __future__ import annotations

import os
import signal
import threading
import time

import psutil
import pytest
import requests

from accounts.models import AuditEvent, AuditEventType
from bench.server import Server
from tests.faults.portal import (
    FAULT_TEST_MARKS,
    TIMEOUT,
    Browser,
    approval_form,
    card_holder,
    server_with_own_redis,
    sign_in,
    withdrawal_review,
)
from withdrawals.models import Withdrawal

pytestmark = FAULT_TEST_MARKS

WORKERS = 2
# After the approval is sent: at once, while it is read and checked, about while it
# commits (the approval takes some 30 to 60 ms here), and after its answer. Which of these
# lands mid-request varies with the machine; each must keep the ledger right.
KILL_DELAYS = (0.0, 0.02, 0.035, 0.045, 0.08)
RESPAWN_TIMEOUT = 30.0


def workers_of(server: Server) -> list[psutil.Process]:
    return psutil.Process(server.process.pid).children()


def workers_kill(server: Server) -> set[int]:
    """SIGKILL every worker at once; their pids."""
    killed = set()
    for worker in workers_of(server):
        os.kill(worker.pid, signal.SIGKILL)
        killed.add(worker.pid)
    return killed


def service_resumed(server: Server, browser: Browser, killed: set[int]) -> None:
    """Wait until the master has replaced the killed workers and a page answers."""
    deadline = time.monotonic() + RESPAWN_TIMEOUT
    while time.monotonic() < deadline:
        fresh = {worker.pid for worker in workers_of(server)} - killed
        if len(fresh) == WORKERS:
            try:
                if browser.page("/").status_code == 200:
                    return
            except requests.ConnectionError:
                pass
        time.sleep(0.1)
    raise AssertionError("the server did not resume within the time allowed")


def approval_sent_while_killed(
    server: Server, browser: Browser, approve_path: str, form: dict, delay: float
) -> requests.Response | None:
    """The approval's answer, or None when the connection died with the workers."""
    answers: list[requests.Response | None] = []

    def send() -> None:
        try:
            answers.append(browser.submit(approve_path, form))
        except requests.ConnectionError:
            answers.append(None)

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(delay)
    killed = workers_kill(server)
    sender.join(TIMEOUT + 5)
    assert not sender.is_alive()
    service_resumed(server, browser, killed)
    return answers[0]


def made_under(card: dict, key: str) -> list[Withdrawal]:
    """The ledger's withdrawals under `key`, each checked to carry one acceptance event."""
    made = list(Withdrawal.objects.filter(user_id=card["user_id"], idempotency_key=key))
    for withdrawal in made:
        accepted = AuditEvent.objects.filter(
            event_type=AuditEventType.WITHDRAWAL_ACCEPTED, detail__withdrawal=withdrawal.pk
        )
        assert accepted.count() == 1, f"W{withdrawal.pk} has no single acceptance event"
    return made


@pytest.mark.parametrize("delay", KILL_DELAYS)
def test_a_withdrawal_cut_short_by_killed_workers_is_made_once_on_retry_W3(delay):
    card = card_holder()
    with server_with_own_redis(workers=WORKERS) as (server, _):
        browser = Browser(server)
        sign_in(browser, card)
        approve_path, key = withdrawal_review(browser, "40.00")
        form = approval_form(browser, approve_path, card)

        first = approval_sent_while_killed(server, browser, approve_path, form, delay)
        made_first = made_under(card, key)
        retried = browser.submit(approve_path, form)
        confirmation = browser.page(retried.headers["Location"])

    assert len(made_first) in (0, 1)
    if first is not None:
        assert first.status_code == 302
    (withdrawal,) = made_under(card, key)
    assert made_first in ([], [withdrawal])
    assert (retried.status_code, retried.headers["Location"]) == (
        302,
        f"/withdrawals/{withdrawal.pk}/",
    )
    assert confirmation.status_code == 200
    assert f"W{withdrawal.pk}" in confirmation.text
    if made_first:
        assert "already accepted" in confirmation.text
    assert browser.server_errors == []
