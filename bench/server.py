"""Run gunicorn and locust as separate processes, as in production: a server on a free
port, a headless load bounded in time, and the RSS of the server's workers sampled while
it runs. Used by `make bench` and by the load and two-process tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = BASE_DIR / "bench" / "locustfile.py"
START_TIMEOUT = 30
# As `make serve` runs gunicorn: malloc asks for transparent huge pages, so that each
# Argon2 verification's 100 MiB costs about 650 page faults instead of 25,700.
SERVE_MALLOC = "glibc.malloc.hugetlb=1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    peak_worker_rss: dict[int, int] = field(default_factory=dict)

    def sample_memory(self) -> None:
        """Keep the highest RSS seen of each worker process."""
        try:
            workers = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for worker in workers:
            try:
                rss = worker.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            self.peak_worker_rss[worker.pid] = max(rss, self.peak_worker_rss.get(worker.pid, 0))


class CpuMeter:
    """CPU seconds spent, from `start()` on, by a server's gunicorn processes, the
    PostgreSQL backends connected to its `database`, and any process whose name starts
    with one of `also`. Sampled while a load runs, so that a backend closed mid-run (Django
    reconnects after CONN_MAX_AGE) keeps what it spent up to its last sample."""

    def __init__(self, server: Server, *, database: str, also: tuple[str, ...] = ()) -> None:
        self.server = server
        self.database = database
        self.also = also
        self.at_start: dict[int, float] = {}
        self.last_seen: dict[int, float] = {}

    def start(self) -> None:
        self.at_start = self._spent()
        self.last_seen = dict(self.at_start)

    def sample(self) -> None:
        self.last_seen.update(self._spent())

    @property
    def seconds(self) -> float:
        return sum(spent - self.at_start.get(pid, 0.0) for pid, spent in self.last_seen.items())

    def _spent(self) -> dict[int, float]:
        spent = {}
        for process in self._processes():
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            spent[process.pid] = times.user + times.system
        return spent

    def _processes(self) -> list[psutil.Process]:
        try:
            master = psutil.Process(self.server.process.pid)
            processes = [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            processes = []
        backend = f" {self.database} "
        for process in psutil.process_iter(["name", "cmdline"]):
            command = " ".join(process.info["cmdline"] or ())
            name = process.info["name"] or ""
            is_backend = command.startswith("postgres: ") and backend in command
            if is_backend or (self.also and name.startswith(self.also)):
                processes.append(process)
        return processes


@contextmanager
def gunicorn_running(*, settings: str, env: dict[str, str], workers: int) -> Iterator[Server]:
    """gunicorn on a free port with `settings`; ready when it answers, stopped on exit."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (our interpreter, our arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sls_portal.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            # Several servers run at once here: none may take the shared control socket.
            "--no-control-socket",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES", SERVE_MALLOC),
            **env,
            "DJANGO_SETTINGS_MODULE": settings,
        },
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}")
        try:
            urlopen(f"{server.url}/", timeout=5).close()  # noqa: S310 (local URL)
            return
        except HTTPError:
            return  # it answered
        except (URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s")


@dataclass(frozen=True)
class LoadResult:
    stats: list[dict]
    seconds: float

    def entry(self, name: str) -> dict:
        return next(row for row in self.stats if row["name"] == name)

    @property
    def failures(self) -> int:
        return sum(row["num_failures"] for row in self.stats)

    @property
    def requests(self) -> int:
        return sum(row["num_requests"] for row in self.stats)

    def completed(self, final_step: str) -> int:
        row = self.entry(final_step)
        return row["num_requests"] - row["num_failures"]

    def per_second(self, final_step: str) -> float:
        return self.completed(final_step) / self.seconds


@dataclass(frozen=True)
class Load:
    """One locust run: `users` clients of `user_class` against `host` for `seconds`."""

    user_class: str
    host: str
    users: int
    seconds: int
    credentials: Path | None = None
    server: Server | None = None


def locust_run(load: Load) -> LoadResult:
    """Locust headless for the load's `seconds`; the final stats. While it runs, the
    `server`'s workers' memory is sampled."""
    return locust_together([load])[0]


def locust_together(loads: list[Load], meters: tuple[CpuMeter, ...] = ()) -> list[LoadResult]:
    """The loads at the same time, each its own locust process; their final stats. The
    `meters` count the CPU spent while they run."""
    for meter in meters:
        meter.start()
    processes = [_locust_start(load) for load in loads]
    sampler = _Sampler([load.server for load in loads if load.server is not None], meters)
    sampler.start()
    try:
        outputs = [
            process.communicate(timeout=load.seconds + 60)
            for process, load in zip(processes, loads, strict=True)
        ]
    finally:
        sampler.stop()
    return [_result(stdout, stderr) for stdout, stderr in outputs]


def _locust_start(load: Load) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(BASE_DIR)}
    if load.credentials is not None:
        env["BENCH_CREDENTIALS"] = str(load.credentials)
    command = [
        sys.executable,
        "-m",
        "locust",
        f"--locustfile={LOCUSTFILE}",
        "--headless",
        "--only-summary",
        "--json",
        f"--users={load.users}",
        f"--spawn-rate={load.users}",
        f"--run-time={load.seconds}s",
        "--stop-timeout=10",
        f"--host={load.host}",
        "--loglevel=WARNING",
        load.user_class,
    ]
    return subprocess.Popen(  # noqa: S603 (our interpreter, our arguments)
        command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _result(stdout: str, stderr: str) -> LoadResult:
    try:
        stats = json.loads(stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"locust printed no stats: {stderr[-2000:]}") from exc
    started = min((row["start_time"] for row in stats), default=0)
    ended = max((row["last_request_timestamp"] or 0 for row in stats), default=0)
    return LoadResult(stats=stats, seconds=max(ended - started, 1e-9))


class _Sampler(threading.Thread):
    def __init__(self, servers: list[Server], meters: tuple[CpuMeter, ...]) -> None:
        super().__init__(daemon=True)
        self.servers = servers
        self.meters = meters
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            self._sample()

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        self._sample()

    def _sample(self) -> None:
        for server in self.servers:
            server.sample_memory()
        for meter in self.meters:
            meter.sample()
