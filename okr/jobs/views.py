"""A job's progress (a page that refreshes itself while the job runs) and its file."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, send_file
from flask_login import current_user, login_required
from sqlalchemy.orm import undefer

from okr.access import ensure
from okr.db import utcnow
from okr.extensions import db
from okr.files.models import StoredFile
from okr.jobs import registry
from okr.jobs.blueprint import bp
from okr.jobs.models import Job
from okr.jobs.services import may_see
from okr.web import render


def _job(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    ensure(may_see(job, current_user))
    return job


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int) -> Response:
    """The job's status; an htmx poll gets only the status block, until the job has ended."""
    job = _job(job_id)
    stored = db.session.get(StoredFile, job.file_id) if job.file_id else None
    return render(
        "jobs/show.html", block="status", job=job, stored=stored, title=registry.title(job.kind)
    )


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int) -> Response:
    job = _job(job_id)
    if job.file_id is None:
        abort(404)
    stored = db.session.scalar(
        db.select(StoredFile)
        .where(StoredFile.id == job.file_id)
        .options(undefer(StoredFile.content))
    )
    if stored is None or stored.expires_at <= utcnow():
        abort(410)
    return send_file(
        BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.name,
    )
