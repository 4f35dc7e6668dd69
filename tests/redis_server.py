"""A Redis server of a test's own, on a free port of 127.0.0.1, that the test may stop,
start again on the same port, or freeze: the faults of an operator's Redis, without
touching the Redis that other tests and runs share. Nothing is kept on disk."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from bench.server import free_port
from tests.conftest import IN_CI

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


class RedisServer:
    """redis-server on `port`, in the foreground of a child process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command, the port a number)
            [
                _executable(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Terminate it, as an operator's `systemctl stop redis` does; its data is gone."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)
        self.process = None

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """It accepts connections but answers nothing (a hung server, or a network that
        drops its packets), then carries on with its data intact."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.RedisError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)


@contextmanager
def redis_server_running() -> Iterator[RedisServer]:
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _executable() -> str:
    found = shutil.which("redis-server")
    if found is None:
        reason = "needs redis-server installed (apt-get install redis-server)"
        if IN_CI:
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)
    return found
