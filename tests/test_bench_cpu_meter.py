"""`make bench`'s CPU meter: what a server's processes spend while a load runs, kept for a
process that ends before the load does."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bench.server import CpuMeter, Server

SPIN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass"

pytestmark = pytest.mark.slow


def _spinning(seconds: float) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our interpreter, our script)
        [sys.executable, "-c", SPIN.format(seconds=seconds)]
    )


def test_the_meter_counts_only_what_is_spent_after_it_starts():
    process = _spinning(1.0)
    meter = CpuMeter(Server(url="", process=process), database="no-such-database")
    time.sleep(0.3)
    meter.start()
    time.sleep(0.3)
    meter.sample()
    process.kill()
    process.wait()

    assert meter.at_start[process.pid] > 0.05
    assert 0.05 < meter.seconds < 0.45


def test_a_process_gone_before_the_end_keeps_its_last_sample():
    process = _spinning(0.4)
    meter = CpuMeter(Server(url="", process=process), database="no-such-database")
    meter.start()
    started_with = meter.at_start[process.pid]
    time.sleep(0.3)
    meter.sample()
    sampled = meter.seconds
    process.wait()
    meter.sample()

    assert sampled > 0.05
    assert meter.seconds == sampled
    assert started_with + sampled <= 0.4 + 0.05
