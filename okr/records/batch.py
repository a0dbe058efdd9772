"""Batches of records: a ZIP of PDFs (and optionally one combined PDF) made in a separate process.

The web request only creates the batch row and starts `flask records run-batch ID` in the
background; the page polls the row for progress, so a reload loses nothing and other users'
requests are not held up. The runner renders on every core with a process pool (`pool`).

No batch stays "running" after its process died: the runner records its PID and host and beats
(a heartbeat with each record). A reader counts a batch as failed when its runner's PID on this
host is gone, or when it gave no sign of life for RECORD_BATCH_TIMEOUT_SECONDS (a runner on
another host, a hung one, one that never started). A runner declared failed stops at its next
beat, so a failed batch stays failed and can only be started again as a new batch.
"""

from __future__ import annotations

import functools
import io
import os
import socket
import subprocess
import sys
import zipfile
from collections.abc import Callable, Generator
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from pypdf import PdfWriter
from sqlalchemy import select, update

from okr.db import utcnow
from okr.extensions import db
from okr.org.models import Person
from okr.org.queries import department_subtree_ids
from okr.records.models import RecordBatch
from okr.records.pool import render_all
from okr.records.zipnames import EntryNames
from okr.reviews.models import Appraisal, Review
from okr.unit_of_work import separate_transaction, unit_of_work


def batch_folder(app: Flask) -> Path:
    folder = Path(app.instance_path) / "record-batches"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def appraisal_ids(batch: RecordBatch) -> list[tuple[int, str]]:
    """(appraisal id, person name) of everyone the batch covers, by name."""
    stmt = (
        select(Appraisal.id, Person.name)
        .join(Person, Appraisal.person_id == Person.id)
        .where(Appraisal.review_id == batch.review_id)
        .order_by(Person.name, Appraisal.id)
    )
    if batch.department_id is not None:
        stmt = stmt.where(Appraisal.department_id.in_(department_subtree_ids(batch.department_id)))
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


def create_batch(
    review: Review, department_id: int | None, combined: bool, locale: str, actor: Person
) -> RecordBatch:
    """Queue a batch for a department (and below) or the whole review."""
    batch = RecordBatch(
        review_id=review.id,
        department_id=department_id,
        combined=combined,
        locale=locale,
        created_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    batch.total = len(appraisal_ids(batch))
    return batch


def start(batch: RecordBatch) -> None:
    """Run the batch in its own process (it survives the request and does not block the worker)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    env = {
        **os.environ,
        "OKR_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "OKR_SECRET_KEY": app.config["SECRET_KEY"],
        "OKR_INSTANCE_PATH": app.instance_path,
        "OKR_TIMEZONE": app.config["TIMEZONE"],
    }
    command = [sys.executable, "-m", "flask", "--app", "okr", "records", "run-batch", str(batch.id)]
    try:
        with open(batch_folder(app) / f"batch-{batch.id}.log", "ab") as log:
            # Double fork: the short-lived launcher starts the runner in its own session and
            # exits, so the runner is nobody's child here and outlives the request (and worker).
            subprocess.run(
                [sys.executable, "-c", _LAUNCHER, *command],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
    except (OSError, subprocess.CalledProcessError) as exc:
        batch.status, batch.failure, batch.error = "failed", "never_started", str(exc)[:2000]
        batch.finished_at = utcnow()
        db.session.flush()


_LAUNCHER = "import subprocess, sys; subprocess.Popen(sys.argv[1:], start_new_session=True)"


class BatchAbandoned(Exception):
    """The batch is no longer this runner's (a reader counted it as failed): stop, write nothing."""


def _beat(batch_id: int, pid: int, host: str, **values: Any) -> None:
    """Store progress with a heartbeat, only while the batch is still this runner's."""
    with unit_of_work():
        result = db.session.execute(
            update(RecordBatch)
            .where(
                RecordBatch.id == batch_id,
                RecordBatch.status == "running",
                RecordBatch.runner_pid == pid,
                RecordBatch.runner_host == host,
            )
            .values(heartbeat_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BatchAbandoned(batch_id)


def _claim(batch_id: int, pid: int, host: str) -> bool:
    """Take a queued batch for this process; False when it is not queued (any more)."""
    with unit_of_work():
        result = db.session.execute(
            update(RecordBatch)
            .where(RecordBatch.id == batch_id, RecordBatch.status == "queued")
            .values(
                status="running", done=0, runner_pid=pid, runner_host=host, heartbeat_at=utcnow()
            )
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def run_batch(batch_id: int, workers: int | None = None) -> RecordBatch:
    """Render every record of the batch into a ZIP, updating progress as it goes."""
    pid, host = os.getpid(), socket.gethostname()
    if not _claim(batch_id, pid, host):
        raise BatchAbandoned(batch_id)
    batch = db.session.get(RecordBatch, batch_id)
    assert batch is not None
    people = appraisal_ids(batch)
    beat = functools.partial(_beat, batch.id, pid, host)
    beat(total=len(people))
    target = batch_folder(current_app) / f"records-{batch.id}.zip"
    pdfs = render_all(
        [i for i, _name in people], batch.locale, workers or min(2, os.cpu_count() or 1)
    )
    try:
        _write_zip(target, people, pdfs, batch.combined, beat)
        beat(status="done", path=str(target), finished_at=utcnow())
    except BatchAbandoned:
        pdfs.close()  # records not started yet are dropped, not rendered
        db.session.rollback()
        target.unlink(missing_ok=True)
        raise
    except Exception as exc:
        pdfs.close()
        db.session.rollback()
        target.unlink(missing_ok=True)
        beat(
            status="failed",
            failure="error",
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=utcnow(),
        )
        raise
    db.session.refresh(batch)
    return batch


def _write_zip(
    target: Path,
    people: list[tuple[int, str]],
    pdfs: Generator[bytes, None, None],
    combined: bool,
    beat: Callable[..., None],
) -> None:
    """Each person's PDF into the ZIP as it comes (a beat after each), then the combined PDF."""
    merged = PdfWriter() if combined else None
    names = EntryNames()
    combined_name = names.take("all-records", ".pdf")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, ((appraisal_id, name), pdf) in enumerate(zip(people, pdfs, strict=True), 1):
            archive.writestr(names.take(name, f"-{appraisal_id}.pdf"), pdf)
            if merged is not None:
                merged.append(io.BytesIO(pdf))
            beat(done=done)
        pdfs.close()  # the pool's processes end here
        if merged is not None:
            all_records = io.BytesIO()
            merged.write(all_records)
            archive.writestr(combined_name, all_records.getvalue())


# Readers: a batch whose runner died is failed, not running ---------------------------------


def _process_alive(pid: int) -> bool:
    """Whether a process with this PID runs on this host (a zombie is dead)."""
    if Path("/proc/self/stat").exists():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            return False
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def _why_dead(batch: RecordBatch) -> str:
    """Why a queued or running batch can be counted as failed, or "" while it may still finish."""
    if (
        batch.status == "running"
        and batch.runner_pid
        and batch.runner_host == socket.gethostname()
        and not _process_alive(batch.runner_pid)
    ):
        return "runner_gone"
    last = batch.heartbeat_at or batch.created_at
    if utcnow() - last > heartbeat_timeout():
        return "no_heartbeat" if batch.status == "running" else "never_started"
    return ""


def heartbeat_timeout() -> timedelta:
    """How long a runner may be silent before its batch counts as failed."""
    return timedelta(seconds=float(current_app.config["RECORD_BATCH_TIMEOUT_SECONDS"]))


def notice_dead_runner(batch: RecordBatch) -> bool:
    """Mark a queued or running batch failed when its runner is gone or silent too long."""
    if batch.status not in ("queued", "running"):
        return False
    failure = _why_dead(batch)
    if not failure:
        return False
    # Bookkeeping a page that only reads may do: on its own connection, committed at once.
    with separate_transaction() as connection:
        result = connection.execute(
            update(RecordBatch)
            .where(  # unless the runner moved on since this copy was read
                RecordBatch.id == batch.id,
                RecordBatch.status == batch.status,
                RecordBatch.heartbeat_at.is_not_distinct_from(batch.heartbeat_at),
            )
            .values(status="failed", failure=failure, finished_at=utcnow())
        )
    db.session.refresh(batch)
    if result.rowcount == 1:  # type: ignore[attr-defined]
        (batch_folder(current_app) / f"records-{batch.id}.zip").unlink(missing_ok=True)
        return True
    return False
