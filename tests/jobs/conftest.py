"""Real workers (`flask jobs worker` processes) on the embedded SQLite queue or a real Redis."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

import tests.jobs.kinds  # noqa: F401  (the test kinds, in this process too)
from okr.extensions import db
from tests.helpers import unavailable
from tests.jobs.harness import Workers

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server (Debian's), like the tests' PostgreSQL."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis", "no redis-server found (apt-get install redis-server)")
    port, folder = _free_port(), tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    unavailable("redis", f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(params=["embedded", "redis"])
def queue_app(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Flask:
    """The test app on one queue backend, with short heartbeat and sweep times."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        db_number = abs(hash(request.node.nodeid)) % 15 + 1  # a clean Redis database per test
        url = url.rsplit("/", 1)[0] + f"/{db_number}"
    else:
        url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    app.config.update(
        QUEUE_URL=url,
        JOB_HEARTBEAT_SECONDS=0.2,
        JOB_STALE_SECONDS=1.5,
        JOB_SWEEP_SECONDS=0.3,
        JOB_CAP_DELAY_SECONDS=0.2,
        JOB_POLL_SECONDS=0.1,
    )
    from okr.jobs.queue import queue

    queue().huey.flush()
    return app


@pytest.fixture
def workers(queue_app: Flask) -> Iterator[Workers]:
    running = Workers(queue_app)
    yield running
    running.stop()
    db.session.remove()
