"""Storing a big file of values in the background: the confirm button asks for a
"checkins.upload" job, which stores its rows a chunk per commit through `apply_values`. The
upload counts the rows done with each chunk's commit, so a retried job resumes after them (and a
value a lost attempt stored anyway comes back unchanged, never twice)."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.checkins.models import ValueUpload
from okr.checkins.uploads import Columns, apply_upload
from okr.db import utcnow
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.org.models import Person

UPLOAD = "checkins.upload"
CHUNK = 500


def start_upload_job(upload: ValueUpload, columns: Columns, actor: Person) -> Job:
    """Ask for the upload's job (the one already asked for while it is active)."""
    params = {
        "upload_id": upload.id,
        "columns": [columns.key, columns.value, columns.confidence, columns.note],
        "locale": str(get_locale() or "zh"),
        "next": url_for("checkins.index"),
    }
    return submit(UPLOAD, params, actor.id, key=str(upload.id))


def summary_message(counts: dict[str, int]) -> str:
    return _(
        "Values stored: %(stored)d, unchanged: %(unchanged)d, refused: %(refused)d.",
        stored=counts.get("stored", 0),
        unchanged=counts.get("unchanged", 0),
        refused=counts.get("refused", 0),
    )


@job_kind(UPLOAD, _l("Storing uploaded values"), concurrency=1, max_attempts=3)
def run_upload(context: JobContext) -> None:
    """Store the file's rows a chunk per commit, as the uploader."""
    upload = db.session.get(ValueUpload, context.params["upload_id"])
    if upload is None:
        raise LookupError(f"value upload {context.params['upload_id']} no longer exists")
    person = db.session.get_one(Person, upload.created_by_id)
    columns = Columns(*context.params["columns"])
    counts: dict[str, int] = dict(context.params.get("counts") or {})
    with force_locale(context.params["locale"]):
        context.progress(upload.done_rows, len(upload.rows))
        while upload.done_rows < len(upload.rows) and upload.applied_at is None:
            rows = slice(upload.done_rows, upload.done_rows + CHUNK)
            for result in apply_upload(upload, columns, person, utcnow(), rows):
                counts[result.status] = counts.get(result.status, 0) + 1
            upload.done_rows = min(len(upload.rows), upload.done_rows + CHUNK)
            context.job.params = {**context.job.params, "counts": counts}
            context.progress(upload.done_rows, message=summary_message(counts))
            context.checkpoint()
        upload.applied_at = upload.applied_at or utcnow()
        context.progress(len(upload.rows), message=summary_message(counts))
