"""Helpers for record batch tests: start a batch, run its job here, read its job and its ZIP."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from okr.extensions import db
from okr.files.models import StoredFile
from okr.jobs.models import Job
from okr.records.batch import start_batch
from okr.records.models import RecordBatch
from okr.reviews.models import Review


def start(world: Any, *, combined: bool = True, department: bool = True) -> RecordBatch:
    """HR asks for the team's records (committed: the queue hears of it)."""
    review = db.session.get_one(Review, world.appraisal.review_id)
    batch = start_batch(review, world.team.id if department else None, combined, "zh", world.hr)
    db.session.commit()
    return batch


def run_here(runner: Any, batch_id: int) -> Job:
    """`flask records run-batch ID` in this process, on one process (no worker, no pool)."""
    result = runner.invoke(args=["records", "run-batch", str(batch_id), "--processes", "1"])
    assert result.exit_code == 0, result.output
    return job_of(batch_id)


def job_of(batch_id: int) -> Job:
    """The batch's job as committed now."""
    db.session.rollback()
    return db.session.scalars(
        select(Job)
        .join(RecordBatch, RecordBatch.job_id == Job.id)
        .where(RecordBatch.id == batch_id)
    ).one()


def batches() -> list[RecordBatch]:
    db.session.rollback()
    return list(db.session.scalars(select(RecordBatch).order_by(RecordBatch.id)))


def stored_zip(job: Job) -> zipfile.ZipFile:
    """The ZIP a done job keeps in the database."""
    content = db.session.scalars(select(StoredFile.content).where(StoredFile.id == job.file_id))
    return zipfile.ZipFile(io.BytesIO(content.one()))


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in "ZX"


def _children() -> dict[int, list[int]]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] not in "ZX":
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    return parents


def grandchildren(pid: int) -> list[int]:
    """The living children of a process's children: a worker's pool, under its fork server."""
    parents = _children()
    return [g for child in parents.get(pid, []) for g in parents.get(child, [])]


def descendants(pid: int) -> list[int]:
    """The living children of a process, their children and so on (Linux /proc)."""
    parents = _children()
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found
