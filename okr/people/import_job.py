"""Applying a big people import in the background: the confirm button asks for a
"people.import" job, which checks the file again against the company as it is then (the same
preview and messages as the page) and applies it a chunk of rows per commit, upserting by
email, so a retried job never creates a person twice. What the preview said it would do is
recorded with the job before the first chunk, and is what the job says when it is done."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from okr.db import utcnow
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.org.models import ImportBatch, Person
from okr.people.importing import Preview, applying, preview_import

IMPORT = "people.import"


def imports_as_job(batch: ImportBatch) -> bool:
    """Whether the file has OKR_IMPORT_JOB_ROWS rows or more."""
    return len(batch.rows) >= int(current_app.config["IMPORT_JOB_ROWS"])


def start_import(batch: ImportBatch, actor: Person) -> Job:
    """Ask for the batch's import job (the one already asked for while it is active)."""
    params = {
        "batch_id": batch.id,
        "locale": str(get_locale() or "zh"),
        "next": url_for("people.index"),
        "preview": url_for("people.import_preview", batch_id=batch.id),
    }
    return submit(IMPORT, params, actor.id, key=str(batch.id))


def done_message(summary: dict[str, int]) -> str:
    return _(
        "Import done: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.",
        created=summary["create"],
        updated=summary["update"],
        unchanged=summary["unchanged"],
    )


def _summary(preview: Preview) -> dict[str, int]:
    return {action: preview.count(action) for action in ("create", "update", "unchanged")}


@job_kind(IMPORT, _l("Importing people"), concurrency=1, max_attempts=3, hr_only=True)
def run_import(context: JobContext) -> None:
    """Check the file again, then create and update its people a chunk per commit."""
    batch = db.session.scalar(
        select(ImportBatch).where(ImportBatch.id == context.params["batch_id"])
    )
    if batch is None:
        raise LookupError(f"import batch {context.params['batch_id']} no longer exists")
    with force_locale(context.params["locale"]):
        if batch.applied_at is not None:
            context.progress(0, 0, _("This file was imported already."))
            return
        preview = preview_import(batch.rows)
        if not preview.valid:  # the company changed since the preview
            refused = {"next": context.params["preview"], "refused": True}
            context.job.params = {**context.job.params, **refused}
            context.progress(
                0,
                0,
                _(
                    "The company changed since the preview: nothing was imported. Open the preview again to see why."
                ),
            )
            return
        summary = context.params.get("summary") or _summary(preview)
        context.job.params = {**context.job.params, "summary": summary}
        total = summary["create"] + summary["update"]
        managed = sum(
            1
            for r in preview.rows
            if r.action in ("create", "update") and "manager_email" in r.data
        )
        context.progress(0, max(total + managed, context.job.total or 0))
        context.checkpoint()  # the summary is kept before anything is written
        for done in applying(preview, chunk=int(current_app.config["IMPORT_JOB_CHUNK"])):
            context.progress(done)
            context.checkpoint()
        batch.applied_at = utcnow()
        context.progress(context.job.done, message=done_message(summary))
