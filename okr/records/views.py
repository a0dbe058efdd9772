"""Review records: one PDF or printable page per appraisal; ZIPs of a department or a review (HR)."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer

from okr.access import admin_required, ensure
from okr.db import utcnow
from okr.extensions import db
from okr.files.models import StoredFile
from okr.jobs.models import Job
from okr.org.models import Department
from okr.records.batch import start_again, start_batch
from okr.records.blueprint import bp
from okr.records.data import build_record
from okr.records.models import RecordBatch
from okr.records.render import record_html, record_pdf
from okr.reviews import access
from okr.reviews.models import Appraisal, Review
from okr.web import render


def _allowed(appraisal_id: int) -> Appraisal:
    appraisal = db.get_or_404(Appraisal, appraisal_id)
    ensure(access.can_view(current_user, appraisal) and access.sees_scores(current_user, appraisal))
    return appraisal


@bp.get("/appraisals/<int:appraisal_id>.pdf")
@login_required
def pdf(appraisal_id: int) -> Response:
    """The A4 record in the reader's language."""
    _allowed(appraisal_id)
    record = build_record(appraisal_id)
    response = Response(record_pdf(record), mimetype="application/pdf")
    response.headers.set(
        "Content-Disposition", "attachment", filename=f"record-{record.record_number}.pdf"
    )
    response.headers["X-Record-Hash"] = record.content_hash
    return response


@bp.get("/appraisals/<int:appraisal_id>")
@login_required
def page(appraisal_id: int) -> Response:
    """The same record as a printable HTML page."""
    _allowed(appraisal_id)
    return Response(record_html(build_record(appraisal_id), printable=True))


@bp.post("/reviews/<int:review_id>/batches")
@admin_required
def new_batch(review_id: int) -> Response:
    """Queue a batch (or find the same one already queued) and follow it on its page."""
    review = db.get_or_404(Review, review_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    department_id = request.form.get("department_id", type=int)
    if department_id is not None:
        db.get_or_404(Department, department_id)
    combined = request.form.get("combined") == "y"
    batch = start_batch(review, department_id, combined, str(get_locale() or "zh"), current_user)
    return redirect(url_for("records.batch", batch_id=batch.id), code=303)


def _with_job(batch_id: int) -> RecordBatch:
    return db.first_or_404(
        select(RecordBatch).where(RecordBatch.id == batch_id).options(joinedload(RecordBatch.job))
    )


def _kept_file(job: Job) -> StoredFile | None:
    """The job's ZIP while it is kept (its bytes are not read)."""
    if job.file_id is None:
        return None
    stored = db.session.get(StoredFile, job.file_id)
    return stored if stored is not None and stored.expires_at > utcnow() else None


@bp.post("/batches/<int:batch_id>/again")
@admin_required
def again(batch_id: int) -> Response:
    """A failed batch, or one whose ZIP is gone, started again: a new batch, the old one stays."""
    item = _with_job(batch_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = item.job
    if job.status == "failed" or (job.status == "done" and _kept_file(job) is None):
        item = start_again(item, current_user)
    return redirect(url_for("records.batch", batch_id=item.id), code=303)


@bp.get("/batches/<int:batch_id>")
@admin_required
def batch(batch_id: int) -> Response:
    """Progress of a batch's job; the fragment polls itself until the ZIP is ready, or it failed."""
    item = _with_job(batch_id)
    review = db.session.get(Review, item.review_id)
    department = db.session.get(Department, item.department_id) if item.department_id else None
    job = item.job
    return render(
        "records/batch.html",
        block="progress",
        batch=item,
        job=job,
        stored=_kept_file(job) if job.status == "done" else None,
        reason=_reason(job),
        review=review,
        department=department,
        form=FlaskForm(),
    )


def _reason(job: Job) -> str:
    """The error a failed job ended with: the last line of its traceback."""
    lines = [line for line in (job.error or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


@bp.get("/batches/<int:batch_id>/download")
@admin_required
def download(batch_id: int) -> Response:
    """The batch's ZIP, from the database: any app host serves it."""
    job = _with_job(batch_id).job
    if job.status != "done" or job.file_id is None:
        abort(404)
    stored = db.session.scalar(
        select(StoredFile).where(StoredFile.id == job.file_id).options(undefer(StoredFile.content))
    )
    if stored is None or stored.expires_at <= utcnow():
        abort(410)
    return send_file(
        BytesIO(stored.content),
        mimetype="application/zip",
        as_attachment=True,
        download_name=stored.name,
    )


@bp.get("/reviews/<int:review_id>")
@admin_required
def review_batches(review_id: int) -> Response:
    """HR's page to produce records for a department or the whole review."""
    review = db.get_or_404(Review, review_id)
    batches = db.session.scalars(
        select(RecordBatch)
        .where(RecordBatch.review_id == review.id)
        .options(joinedload(RecordBatch.job))
        .order_by(RecordBatch.id.desc())
        .limit(20)
    ).all()
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    return render(
        "records/review.html",
        review=review,
        batches=batches,
        departments=departments,
        form=FlaskForm(),
    )
