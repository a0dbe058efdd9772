"""Running a job in a worker: claim it, keep its heartbeat, record progress, end it.

A worker runs `run_job(job_id)` for each message Huey hands it. Only one runner claims a job (a
conditional UPDATE from queued to running); a kind's concurrency cap is checked in the same step.
While the handler works, a thread refreshes the job's heartbeat; `sweep()` (run by every worker
every OKR_JOB_SWEEP_SECONDS) finds running jobs whose heartbeat stopped (a worker killed with
kill -9, a host lost) and queues them again, or fails them after their last attempt.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from okr.db import utcnow
from okr.extensions import db
from okr.files.services import remove_expired, store
from okr.jobs import registry
from okr.jobs.models import Job
from okr.jobs.queue import queue
from okr.unit_of_work import checkpoint, unit_of_work

log = logging.getLogger(__name__)


class JobContext:
    """What a handler gets: its job's parameters, progress reporting and file output."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params or {})

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record how far the job is; written with the handler's next commit (`checkpoint`)."""
        self.job.done = done
        if total is not None:
            self.job.total = total
        if message is not None:
            self.job.message = message[:300]

    def checkpoint(self) -> None:
        """Commit the work so far and the progress with it (a retry resumes after it)."""
        checkpoint()

    def save_file(self, name: str, content_type: str, content: bytes) -> None:
        """The job's result, kept where every app host can serve it."""
        stored = store(name, content_type, content, self.job.created_by_id)
        self.job.file_id = stored.id


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def _claim(job_id: int, kind: registry.Kind) -> bool:
    """Move the job from queued to running, unless the kind already runs at its cap.

    One statement does both, so on SQLite (one writer at a time) no two claims can pass the cap
    together; on PostgreSQL a transaction lock per kind serialises the claimers.
    """
    running = (
        select(func.count())
        .select_from(Job)
        .where(Job.kind == kind.name, Job.status == "running")
        .scalar_subquery()
    )
    now = utcnow()
    with unit_of_work():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(select(func.pg_advisory_xact_lock(_lock_key(kind.name))))
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued", running < kind.concurrency)
            .values(
                status="running",
                attempts=Job.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                worker=_worker_name(),
            )
            .execution_options(synchronize_session=False)
        )
        return claimed.rowcount == 1


def _lock_key(name: str) -> int:
    return int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "big") & 0x7FFFFFFFFFFFFFFF


class _Heartbeat(threading.Thread):
    """Refreshes the job's heartbeat on a connection of its own while the handler runs."""

    def __init__(self, app: Any, job_id: int) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.app, self.job_id, self.stopped = app, job_id, threading.Event()

    def run(self) -> None:
        interval = self.app.config["JOB_HEARTBEAT_SECONDS"]
        while not self.stopped.wait(interval):
            try:
                with self.app.app_context(), db.engine.begin() as connection:
                    connection.execute(
                        update(Job)
                        .where(Job.id == self.job_id, Job.status == "running")
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:  # a missed beat only makes the job look older
                log.warning("job %s: heartbeat failed", self.job_id, exc_info=True)


def run_job(job_id: int) -> None:
    """The Huey task: run one job by id (inside the worker's app)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        job = db.session.get(Job, job_id)
        if job is None or job.status != "queued" or not registry.known(job.kind):
            db.session.rollback()
            return
        kind = registry.kind(job.kind)
        db.session.rollback()
        if not _claim(job_id, kind):
            queue().send(job_id, delay=app.config["JOB_CAP_DELAY_SECONDS"])
            return
        heartbeat = _Heartbeat(app, job_id)
        heartbeat.start()
        try:
            _run(job_id, kind)
        finally:
            heartbeat.stopped.set()
            db.session.remove()


def _run(job_id: int, kind: registry.Kind) -> None:
    try:
        with unit_of_work():
            job = db.session.get(Job, job_id)
            kind.run(JobContext(job))
            job.status, job.finished_at, job.active_key = "done", utcnow(), None
            if job.total is not None:
                job.done = job.total
    except Exception as exc:  # the job ends or is retried; the worker goes on
        _ended_badly(job_id, kind, exc)


def _ended_badly(job_id: int, kind: registry.Kind, exc: BaseException) -> None:
    with unit_of_work():
        job = db.session.get(Job, job_id)
        again = registry.transient(exc) and job.attempts < job.max_attempts
        if again:
            job.status, job.message = "queued", str(exc)[:300]
        else:
            _fail(job, "error", "".join(traceback.format_exception(exc))[-4000:])
    if again:
        delay = kind.retry_delay * 2 ** (job.attempts - 1)
        queue().send(job_id, delay=delay)
        log.warning("job %s (%s) retried in %ss: %s", job_id, kind.name, delay, exc)
    else:
        log.error("job %s (%s) failed", job_id, kind.name, exc_info=exc)


def _fail(job: Job, failure: str, error: str) -> None:
    job.status, job.failure, job.error = "failed", failure, error
    job.finished_at, job.active_key = utcnow(), None


def sweep() -> None:
    """Re-queue (or fail) running jobs whose worker stopped beating; remove expired files."""
    stale = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    again: list[int] = []
    with unit_of_work():
        lost = db.session.scalars(
            select(Job).where(Job.status == "running", Job.heartbeat_at < stale).with_for_update()
        ).all()
        for job in lost:
            if job.attempts < job.max_attempts:
                job.status, job.message = "queued", "worker_lost"
                again.append(job.id)
            else:
                _fail(
                    job, "worker_lost", f"the worker {job.worker} stopped during the last attempt"
                )
        remove_expired()
    for job_id in again:
        queue().send(job_id)
        log.warning("job %s: its worker stopped; queued again", job_id)
