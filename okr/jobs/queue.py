"""The job queue: Huey, on an embedded SQLite file by default or on Redis in production.

`OKR_QUEUE_URL` chooses the backend: `sqlite:///path` (the default is `queue.sqlite3` in the
instance folder: no server, one host) or `redis://host:port/db` (several workers on several hosts
share the work). Huey carries only a job's id; the job itself (status, progress, attempts, file)
is a row of the `job` table, so every app host can show it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

EXTENSION = "okr.queue"


class Queue:
    """The app's Huey and the one task that runs any job by id."""

    def __init__(self, huey: Huey, run_job: Callable[[int], None]) -> None:
        self.huey = huey
        self.task = huey.task(name="okr.run_job")(run_job)

    def send(self, job_id: int, delay: float = 0) -> None:
        if delay > 0:
            self.task.schedule(args=(job_id,), delay=delay)
        else:
            self.task(job_id)

    def pending(self) -> int:
        """Messages waiting in the backend (not counting those scheduled for later)."""
        return int(self.huey.pending_count())


def _huey(url: str) -> Huey:
    options: dict[str, Any] = {"name": "okr", "results": False, "utc": True}
    if url.startswith("redis://") or url.startswith("rediss://"):
        return RedisHuey(url=url, **options)
    if url.startswith("sqlite:///"):
        return SqliteHuey(filename=url[len("sqlite:///") :], timeout=15, **options)
    raise RuntimeError("OKR_QUEUE_URL must be sqlite:///path or redis://host:port/db")


def _in_app(app: Flask, run_job: Callable[[int], None], job_id: int) -> None:
    with app.app_context():
        run_job(job_id)


def queue_url(app: Flask) -> str:
    return app.config.get("QUEUE_URL") or f"sqlite:///{Path(app.instance_path) / 'queue.sqlite3'}"


def init_app(app: Flask, run_job: Callable[[int], None]) -> None:
    """Queues are made on first use, one per backend URL (a test app moves its instance folder)."""
    app.extensions[EXTENSION] = {"run_job": run_job, "queues": {}}


def queue() -> Queue:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    state = app.extensions[EXTENSION]
    url = queue_url(app)
    if url not in state["queues"]:
        state["queues"][url] = Queue(_huey(url), partial(_in_app, app, state["run_job"]))
    return state["queues"][url]
