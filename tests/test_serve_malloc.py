"""gunicorn runs with malloc asking for transparent huge pages (`make serve`, the bench and
the load tests alike): an Argon2 verification's 100 MiB then costs tens of page faults
instead of one per 4 KiB page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.server import BASE_DIR, SERVE_MALLOC

# Measured on a shared machine: under parallel workers, one measurement at a time.
pytestmark = pytest.mark.xdist_group("measurements")

THP_SETTING = Path("/sys/kernel/mm/transparent_hugepage/enabled")
FAULTS_PER_VERIFICATION = """
import resource
from django.contrib.auth.hashers import Argon2PasswordHasher

hasher = Argon2PasswordHasher()
encoded = hasher.encode("correct horse", hasher.salt())
hasher.verify("correct horse", encoded)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):
    assert hasher.verify("correct horse", encoded)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) // 3)
"""


def _faults_per_verification(**env: str) -> int:
    result = subprocess.run(  # noqa: S603 (our interpreter, our script)
        [sys.executable, "-c", FAULTS_PER_VERIFICATION],
        env={key: value for key, value in os.environ.items() if key != "GLIBC_TUNABLES"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


@pytest.mark.slow
@pytest.mark.skipif(
    not THP_SETTING.exists() or "[madvise]" not in THP_SETTING.read_text(),
    reason="the setting matters only where the kernel gives huge pages on request (madvise)",
)
def test_argon2_memory_in_huge_pages_costs_a_fraction_of_the_page_faults():
    plain = _faults_per_verification()
    tuned = _faults_per_verification(GLIBC_TUNABLES=SERVE_MALLOC)

    assert plain > 20_000  # 100 MiB in 4 KiB pages
    assert tuned < plain / 10


def test_make_serve_runs_gunicorn_with_the_same_malloc_setting_as_the_bench():
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")

    assert f"SERVE_MALLOC := {SERVE_MALLOC}\n" in makefile
    assert "GLIBC_TUNABLES=$${GLIBC_TUNABLES:-$(SERVE_MALLOC)}" in makefile
