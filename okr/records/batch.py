"""Batches of records: a ZIP of PDFs (and optionally one combined PDF) made in a separate process.

The web request only creates the batch row and starts `flask records run-batch ID` in the
background; the page polls the row for progress, so a reload loses nothing and other users'
requests are not held up. The runner renders on every core with a process pool.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from pypdf import PdfWriter
from sqlalchemy import select

from okr.db import utcnow
from okr.extensions import db
from okr.org.models import Person
from okr.org.queries import department_subtree_ids
from okr.records.data import build_record
from okr.records.models import RecordBatch
from okr.records.render import record_pdf
from okr.reviews.models import Appraisal, Review


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
    with open(batch_folder(app) / f"batch-{batch.id}.log", "ab") as log:
        # Double fork: the short-lived launcher starts the runner in its own session and exits,
        # so the runner is nobody's child here and outlives the request (and the worker).
        subprocess.run(
            [sys.executable, "-c", _LAUNCHER, *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )


_LAUNCHER = "import subprocess, sys; subprocess.Popen(sys.argv[1:], start_new_session=True)"

_worker_app: Flask | None = None


def _init_worker() -> None:
    global _worker_app
    from okr import create_app

    _worker_app = create_app()
    with _worker_app.app_context():
        db.engine.dispose(close=False)  # never share the parent's connections


def _render_one(args: tuple[int, str]) -> bytes:
    appraisal_id, locale = args
    assert _worker_app is not None
    with _worker_app.test_request_context(), force_locale(locale):
        try:
            return record_pdf(build_record(appraisal_id))
        finally:
            db.session.remove()


def render_all(ids: list[int], locale: str, workers: int) -> Iterator[bytes]:
    """PDFs of these appraisals in order, rendered on `workers` processes."""
    if workers <= 1:
        for appraisal_id in ids:
            with force_locale(locale):
                yield record_pdf(build_record(appraisal_id))
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        yield from pool.map(_render_one, [(i, locale) for i in ids], chunksize=4)


def run_batch(batch_id: int, workers: int | None = None) -> RecordBatch:
    """Render every record of the batch into a ZIP, updating progress as it goes."""
    batch = db.session.get(RecordBatch, batch_id)
    assert batch is not None
    people = appraisal_ids(batch)
    batch.status, batch.total, batch.done = "running", len(people), 0
    db.session.commit()
    target = batch_folder(current_app) / f"records-{batch.id}.zip"
    merged = PdfWriter() if batch.combined else None
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            pdfs = render_all(
                [i for i, _name in people], batch.locale, workers or min(2, os.cpu_count() or 1)
            )
            for (appraisal_id, name), pdf in zip(people, pdfs, strict=True):
                archive.writestr(f"{name}-{appraisal_id}.pdf", pdf)
                if merged is not None:
                    merged.append(io.BytesIO(pdf))
                batch.done += 1
                db.session.commit()
            if merged is not None:
                combined = io.BytesIO()
                merged.write(combined)
                archive.writestr("all-records.pdf", combined.getvalue())
    except Exception as exc:
        db.session.rollback()
        batch.status, batch.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        batch.finished_at = utcnow()
        db.session.commit()
        raise
    batch.status, batch.path, batch.finished_at = "done", str(target), utcnow()
    db.session.commit()
    return batch
