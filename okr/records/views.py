"""Review records: one PDF or printable page per appraisal; ZIPs of a department or a review (HR)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, redirect, request, send_file, url_for
from flask_babel import format_timedelta, get_locale
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from okr.access import admin_required, ensure
from okr.extensions import db
from okr.org.models import Department
from okr.records.batch import create_batch, heartbeat_timeout, notice_dead_runner, start
from okr.records.blueprint import bp
from okr.records.data import build_record
from okr.records.models import RecordBatch
from okr.records.render import record_html, record_pdf
from okr.reviews import access
from okr.reviews.models import Appraisal, Review
from okr.unit_of_work import after_commit
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
    review = db.get_or_404(Review, review_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    department_id = request.form.get("department_id", type=int)
    if department_id is not None:
        db.get_or_404(Department, department_id)
    batch = create_batch(
        review,
        department_id,
        request.form.get("combined") == "y",
        str(get_locale() or "zh"),
        current_user,
    )
    after_commit(lambda: start(batch))  # the runner, another process, reads the batch
    return redirect(url_for("records.batch", batch_id=batch.id), code=303)


@bp.post("/batches/<int:batch_id>/again")
@admin_required
def again(batch_id: int) -> Response:
    """A failed batch started again: a new batch with the same settings (the failed one stays)."""
    item = db.get_or_404(RecordBatch, batch_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if item.status != "failed":
        return redirect(url_for("records.batch", batch_id=item.id), code=303)
    review = db.get_or_404(Review, item.review_id)
    batch = create_batch(review, item.department_id, item.combined, item.locale, current_user)
    after_commit(lambda: start(batch))  # the runner, another process, reads the batch
    return redirect(url_for("records.batch", batch_id=batch.id), code=303)


@bp.get("/batches/<int:batch_id>")
@admin_required
def batch(batch_id: int) -> Response:
    """Progress of a batch; the fragment polls itself until the ZIP is ready, or it failed."""
    item = db.get_or_404(RecordBatch, batch_id)
    notice_dead_runner(item)
    review = db.session.get(Review, item.review_id)
    department = db.session.get(Department, item.department_id) if item.department_id else None
    return render(
        "records/batch.html",
        block="progress",
        batch=item,
        review=review,
        department=department,
        form=FlaskForm(),
        timeout=format_timedelta(heartbeat_timeout(), threshold=1),
    )


@bp.get("/batches/<int:batch_id>/download")
@admin_required
def download(batch_id: int) -> Response:
    item = db.get_or_404(RecordBatch, batch_id)
    if item.status != "done" or not Path(item.path).is_file():
        abort(404)
    return send_file(
        item.path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"records-{item.review_id}-{item.id}.zip",
    )


@bp.get("/reviews/<int:review_id>")
@admin_required
def review_batches(review_id: int) -> Response:
    """HR's page to produce records for a department or the whole review."""
    review = db.get_or_404(Review, review_id)
    batches = db.session.scalars(
        select(RecordBatch)
        .where(RecordBatch.review_id == review.id)
        .order_by(RecordBatch.id.desc())
        .limit(20)
    ).all()
    for item in batches:
        notice_dead_runner(item)
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    return render(
        "records/review.html",
        review=review,
        batches=batches,
        departments=departments,
        form=FlaskForm(),
    )
