"""`make bench`'s CPU meter: what a server's processes spend while a load runs, kept for a
process that ends before the load does."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from bench.server import CpuMeter, Server

# Measured on a shared machine: under parallel workers, one measurement at a time.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("measurements")]

SPIN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass"
# The tests wait for CPU seconds spent, not for wall time, so that a busy machine (other
# workers of the suite, other users) slows them down without failing them.
PATIENCE = 30.0


def _spinning(seconds: float) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our interpreter, our script)
        [sys.executable, "-c", SPIN.format(seconds=seconds)]
    )


def _spent(process: subprocess.Popen) -> float:
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system


def _until_spent(process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + PATIENCE
    while _spent(process) < seconds:
        assert time.monotonic() < deadline, f"the process did not spend {seconds} s of CPU"
        time.sleep(0.01)


def test_the_meter_counts_only_what_is_spent_after_it_starts():
    process = _spinning(5.0)
    meter = CpuMeter(Server(url="", process=process), database="no-such-database")
    _until_spent(process, 0.2)
    meter.start()
    started_with = meter.at_start[process.pid]
    _until_spent(process, started_with + 0.1)
    before = _spent(process)
    meter.sample()
    after = _spent(process)
    process.kill()
    process.wait()

    assert started_with >= 0.2
    assert before - started_with <= meter.seconds <= after - started_with


def test_a_process_gone_before_the_end_keeps_its_last_sample():
    process = _spinning(0.4)
    meter = CpuMeter(Server(url="", process=process), database="no-such-database")
    meter.start()
    started_with = meter.at_start[process.pid]
    _until_spent(process, started_with + 0.1)
    meter.sample()
    sampled = meter.seconds
    process.wait()
    meter.sample()

    assert sampled >= 0.1
    assert meter.seconds == sampled
    assert started_with + sampled <= 0.4 + 0.05
