"""Import people from CSV/XLSX with a preview, and export them in the same format (HR only)."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from okr.access import admin_required, ensure
from okr.db import utcnow
from okr.extensions import db
from okr.jobs.exports import export_response
from okr.org.models import ImportBatch
from okr.people.blueprint import bp
from okr.people.exporting import PEOPLE, build_people, people_count, people_params
from okr.people.forms import ConfirmImportForm, ImportForm
from okr.people.import_job import done_message, imports_as_job, start_import
from okr.people.importing import Preview, apply_import, preview_import
from okr.tables import TableError, read_table
from okr.unit_of_work import commit_even_on_error
from okr.uploads import too_large_message, too_large_page, upload_limit_hint
from okr.web import render


def _table_error_message(code: str) -> str:
    if code.startswith("header:"):
        return _(
            "The first row must name the columns; missing: %(columns)s.",
            columns=", ".join(code.split(":", 1)[1].split(",")),
        )
    return {
        "encoding": _(
            "The file is neither UTF-8 nor GBK/GB18030 text. Save it as CSV (UTF-8) or Excel."
        ),
        "xlsx": _("This Excel file cannot be read. Save it again as .xlsx and retry."),
        "xlsx_too_large": _(
            "This Excel file unpacks to more than 200 MB. Save only the sheet of people and retry."
        ),
        "empty": _("The file is empty."),
        "too_many": _("The file has too many rows; import at most 20,000 at a time."),
    }.get(code, code)


@too_large_page("people.import_upload")
def upload_too_large() -> Response | None:
    """A file over the upload limit: the upload form again, the reason beside the file field."""
    if not getattr(current_user, "is_admin", False):
        return None
    form = ImportForm(formdata=None)  # the request body is not read
    form.file.description = upload_limit_hint()
    form.file.errors = [too_large_message()]
    return render("people/import.html", form=form, preview=None, status=413)


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_upload() -> Response:
    form = ImportForm()
    form.file.description = upload_limit_hint()
    if form.validate_on_submit() and (stored := _store_upload(form)) is not None:
        batch, preview = stored
        if preview.valid:  # the preview has its own address: reloading it shows it again
            return redirect(url_for("people.import_preview", batch_id=batch.id), code=303)
        commit_even_on_error()  # the refused upload is kept as sent (rows cut to the cell limit)
        return render(
            "people/import.html",
            form=form,
            preview=preview,
            batch=batch,
            confirm=ConfirmImportForm(batch_id=batch.id),
            status=422,
        )
    return render(
        "people/import.html", form=form, preview=None, status=422 if form.is_submitted() else 200
    )


def _store_upload(form: ImportForm) -> tuple[ImportBatch, Preview] | None:
    """Keep the uploaded rows as a batch and check them; None (the reason beside the file field)
    when the file cannot be read."""
    upload = form.file.data
    try:
        rows = read_table(upload.read(), upload.filename or "")
    except TableError as exc:
        form.file.errors = [_table_error_message(str(exc))]
        return None
    batch = ImportBatch(filename=upload.filename or "", rows=rows, created_by_id=current_user.id)
    db.session.add(batch)
    preview = preview_import(rows)
    db.session.flush()  # the preview's address and confirm form carry the batch's id
    return batch, preview


def _already_imported(batch: ImportBatch) -> Response | None:
    """Back to the people list when this file was imported already; None when it was not."""
    ensure(batch.created_by_id == current_user.id)
    if batch.applied_at is None:
        return None
    flash(_("This file was imported already."), "info")
    return redirect(url_for("people.index"), code=303)


@bp.get("/import/<int:batch_id>")
@admin_required
def import_preview(batch_id: int) -> Response:
    """An uploaded file's preview, checked again against the company as it is now."""
    batch = db.get_or_404(ImportBatch, batch_id)
    if done := _already_imported(batch):
        return done
    return render(
        "people/import.html",
        form=ImportForm(formdata=None),
        preview=preview_import(batch.rows),
        batch=batch,
        confirm=ConfirmImportForm(formdata=None, batch_id=batch.id),
    )


@bp.post("/import/confirm")
@admin_required
def import_confirm() -> Response:
    """Apply a previewed file; one of OKR_IMPORT_JOB_ROWS rows or more is applied by a job."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return redirect(url_for("people.import_upload"), code=303)
    batch = db.get_or_404(ImportBatch, form.batch or 0)
    if done := _already_imported(batch):
        return done
    if imports_as_job(batch):
        job = start_import(batch, current_user)
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    preview = preview_import(batch.rows)
    if not preview.valid:  # the company changed since the preview
        return render(
            "people/import.html",
            form=ImportForm(),
            preview=preview,
            batch=batch,
            confirm=form,
            status=422,
        )
    apply_import(preview)
    batch.applied_at = utcnow()
    flash(done_message({a: preview.count(a) for a in ("create", "update", "unchanged")}), "success")
    return redirect(url_for("people.index"), code=303)


@bp.route("/export.<any(csv, xlsx):fmt>", methods=["GET", "POST"])
@admin_required
def export(fmt: str) -> Response:
    """Everyone, active or not, in the import format; a job for a big company."""
    params = people_params(fmt, str(get_locale()), utcnow())
    return export_response(PEOPLE, params, people_count(), build_people)
