"""Batches of records: a ZIP of PDFs (and optionally one combined PDF), made by a background job.

Starting a batch stores what was asked (a `RecordBatch`) and submits a "records.batch" job; a
worker (`flask jobs worker`, on any host) renders the PDFs on a process pool (`pool`), reports
each record done, and keeps the ZIP in the database, so any app host serves the download. The
job system retries a transient failure, caps how many batches run at once and queues again (or
fails) a batch whose worker was killed; see docs/deployment.md ("Background jobs").
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfWriter
from sqlalchemy import select

from okr.extensions import db
from okr.jobs.registry import job_kind, on_worker_start
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.org.models import Person
from okr.org.queries import department_subtree_ids
from okr.records.models import RecordBatch
from okr.records.pool import render_all, start_fork_server
from okr.records.zipnames import EntryNames
from okr.reviews.models import Appraisal, Review

KIND = "records.batch"
CONCURRENCY = 2  # batches rendering at once across every worker: each has its own process pool


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


def start_batch(
    review: Review, department_id: int | None, combined: bool, locale: str, actor: Person
) -> RecordBatch:
    """Ask for the records of a department (and below) or the whole review.

    One batch at a time per review, scope and options: asking again while it is queued or
    running (a double click, a retried request) gives the batch already asked for.
    """
    scope = f"{department_id or 'all'}:{'combined' if combined else 'zip'}:{locale}"
    key = f"review-{review.id}:{scope}"
    job = submit(KIND, {"review_id": review.id}, actor.id, key=key)
    batch = db.session.scalar(select(RecordBatch).where(RecordBatch.job_id == job.id))
    if batch is None:
        batch = RecordBatch(
            review_id=review.id,
            department_id=department_id,
            combined=combined,
            locale=locale,
            created_by_id=actor.id,
            job_id=job.id,
        )
        db.session.add(batch)
        db.session.flush()
    return batch


def start_again(batch: RecordBatch, actor: Person) -> RecordBatch:
    """A failed batch (or one whose ZIP is no longer kept) asked for again with its settings."""
    review = db.session.get_one(Review, batch.review_id)
    return start_batch(review, batch.department_id, batch.combined, batch.locale, actor)


def processes() -> int:
    """How many processes render one batch: OKR_RECORD_PROCESSES, else one per core up to 2."""
    return int(current_app.config["RECORD_PROCESSES"]) or min(2, os.cpu_count() or 1)


@on_worker_start
def _warm_pool() -> None:
    """A worker renders its batches on a pool of processes: start its fork server at once."""
    if processes() > 1:
        start_fork_server()


@job_kind(
    KIND,
    _l("Review records"),
    concurrency=CONCURRENCY,
    max_attempts=3,
    retry_delay=5.0,
    hr_only=True,  # records are HR's, like the batch pages: an asker who left HR loses them
)
def produce(context: JobContext) -> None:
    """Render every record of the batch into a ZIP, one progress step per record.

    Run again from the start on a retry (a dropped connection, a lost worker): nothing is kept
    until the ZIP is whole, and then only the ZIP.
    """
    batch = db.session.scalars(
        select(RecordBatch).where(RecordBatch.job_id == context.job.id)
    ).one()
    people = appraisal_ids(batch)
    context.progress(0, len(people))
    context.checkpoint()
    pdfs = render_all([i for i, _name in people], batch.locale, processes())
    try:
        with tempfile.TemporaryFile() as target:
            _write_zip(target, people, pdfs, batch.combined, context)
            target.seek(0)
            content = target.read()
    finally:
        pdfs.close()  # on a failure, the records not started yet are dropped, not rendered
    context.save_file(f"records-{batch.review_id}-{batch.id}.zip", "application/zip", content)


def _write_zip(
    target: IO[bytes],
    people: list[tuple[int, str]],
    pdfs: Iterator[bytes],
    combined: bool,
    context: JobContext,
) -> None:
    """Each person's PDF into the ZIP as it comes (progress after each), then the combined PDF.

    Stored, not deflated: a PDF's streams are compressed already (deflating them again saved 1 %
    and cost the worker's process 4 ms a record, on a core the pool renders on)."""
    merged = PdfWriter() if combined else None
    names = EntryNames()
    combined_name = names.take("all-records", ".pdf")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, ((appraisal_id, name), pdf) in enumerate(zip(people, pdfs, strict=True), 1):
            archive.writestr(names.take(name, f"-{appraisal_id}.pdf"), pdf)
            if merged is not None:
                merged.append(io.BytesIO(pdf))
            context.progress(done)
            context.checkpoint()
        if merged is not None:
            all_records = io.BytesIO()
            merged.write(all_records)
            archive.writestr(combined_name, all_records.getvalue())
