"""Driving real workers in tests: start and stop `flask jobs worker` processes, wait for rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from okr.extensions import db

ROOT = Path(__file__).resolve().parents[2]


# Short heartbeat, staleness and sweep times, so a test sees a lost worker noticed in seconds.
FAST_JOBS = {
    "JOB_HEARTBEAT_SECONDS": 0.2,
    "JOB_STALE_SECONDS": 1.5,
    "JOB_SWEEP_SECONDS": 0.3,
    "JOB_CAP_DELAY_SECONDS": 0.2,
    "JOB_POLL_SECONDS": 0.1,
}


def use_queue(app: Flask, url: str) -> Flask:
    """Put the test app on this queue (emptied) with the short job times."""
    app.config.update(QUEUE_URL=url, **FAST_JOBS)
    from okr.jobs.queue import queue

    queue().huey.flush()
    return app


def redis_database(server_url: str, test_id: str) -> str:
    """A Redis database of its own for one test (1-15) on the tests' server."""
    return server_url.rsplit("/", 1)[0] + f"/{abs(hash(test_id)) % 15 + 1}"


class Workers:
    """`flask --app okr jobs worker` processes sharing the test's database and queue."""

    def __init__(self, app: Flask) -> None:
        self.app, self.processes = app, []

    def start(self, workers: int = 2) -> subprocess.Popen:
        config = self.app.config
        env = {
            **os.environ,
            "OKR_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "OKR_SECRET_KEY": config["SECRET_KEY"],
            "OKR_INSTANCE_PATH": self.app.instance_path,
            "OKR_QUEUE_URL": config["QUEUE_URL"],
            "OKR_JOB_MODULES": "tests.jobs.kinds",
            "PYTHONPATH": str(ROOT),
        }
        for name in ("HEARTBEAT", "STALE", "SWEEP", "CAP_DELAY", "POLL"):
            env[f"OKR_JOB_{name}_SECONDS"] = str(config[f"JOB_{name}_SECONDS"])
        log_path = Path(self.app.instance_path) / f"worker-{len(self.processes)}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "okr",
                    "jobs",
                    "worker",
                    "--workers",
                    str(workers),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in Path(self.app.instance_path).glob("worker-*.log")
        )


def wait_for(condition: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    """Poll the database until `condition()` is true (each look in a fresh transaction)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
