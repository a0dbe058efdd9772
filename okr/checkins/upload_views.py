"""Upload a file of values (external id, value): choose its columns, preview what each row would
do, confirm to store the values as check-ins; a big file is stored by a job with its progress.

Anyone signed in may upload: each row is checked in only where its uploader may check in on the
key result (okr.checkins.sources), and a kept upload is only ever shown to whoever sent it.
"""

from __future__ import annotations

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.checkins.blueprint import bp
from okr.checkins.models import ValueUpload
from okr.checkins.sources import ItemResult
from okr.checkins.upload_forms import ColumnsForm, PreviewColumnsForm, ValueFileForm
from okr.checkins.upload_job import start_upload_job
from okr.checkins.uploads import apply_upload, as_job, preview, read_upload
from okr.db import utcnow
from okr.extensions import db
from okr.tables import TableError
from okr.uploads import too_large_message, too_large_page, upload_limit_hint
from okr.web import render

PREVIEW_ROWS = 1000  # shown on the page; a bigger file's preview counts the rest


def _file_problem(code: str) -> str:
    return {
        "encoding": _(
            "The file is neither UTF-8 nor GBK/GB18030 text. Save it as CSV (UTF-8) or Excel."
        ),
        "xlsx": _("This Excel file cannot be read. Save it again as .xlsx and retry."),
        "empty": _("The file is empty."),
        "header": _("The first row must name at least two columns: the external id and the value."),
        "too_many": _("The file has too many rows; upload at most 20,000 at a time."),
    }.get(code, _("This Excel file cannot be read. Save it again as .xlsx and retry."))


@too_large_page("checkins.upload")
def upload_too_large() -> Response | None:
    """A file over the upload limit: the form again, the reason beside the file field."""
    if not current_user.is_authenticated:
        return None
    form = ValueFileForm(formdata=None)  # the request body is not read
    form.file.description = upload_limit_hint()
    form.file.errors = [too_large_message()]
    return render("checkins/upload.html", form=form, status=413)


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload() -> Response:
    """The file field; a readable file is kept and its preview opened."""
    form = ValueFileForm()
    form.file.description = upload_limit_hint()
    if form.validate_on_submit():
        sent = form.file.data
        try:
            kept = read_upload(sent.read(), sent.filename or "", current_user)
        except TableError as exc:
            form.file.errors = [_file_problem(str(exc).split(":")[0])]
        else:
            return redirect(url_for("checkins.upload_preview", upload_id=kept.id), code=303)
    return render("checkins/upload.html", form=form, status=422 if form.is_submitted() else 200)


def _mine(upload_id: int) -> ValueUpload:
    kept = db.get_or_404(ValueUpload, upload_id)
    ensure(kept.created_by_id == current_user.id)
    return kept


@bp.get("/upload/<int:upload_id>")
@login_required
def upload_preview(upload_id: int) -> Response:
    """The columns to choose and, per row, what confirming would store or refuse and why."""
    kept = _mine(upload_id)
    columns_form = PreviewColumnsForm(request.args)
    columns_form.offer(kept.header)
    columns = columns_form.columns()
    if columns is None:
        columns_form.value.errors = [_("Choose two different columns for the id and the value.")]
    results = preview(kept, columns, current_user) if columns and not kept.applied_at else None
    confirm = ColumnsForm(formdata=None, data=columns_form.data)
    confirm.offer(kept.header)
    return _page(kept, columns_form, confirm, results, 200 if columns else 422)


def _page(
    kept: ValueUpload,
    columns_form: ColumnsForm,
    confirm: ColumnsForm,
    results: list[ItemResult] | None,
    status: int = 200,
    stored: bool = False,
) -> Response:
    """The upload's page: the columns chosen, the counts and each line's result."""
    counts = {s: sum(r.status == s for r in results or []) for s in _STATUSES}
    return render(
        "checkins/upload_preview.html",
        upload=kept,
        form=columns_form,
        confirm=confirm,
        results=(results or [])[:PREVIEW_ROWS],
        counts=counts,
        stored=stored,
        status=status,
    )


_STATUSES = ("ready", "stored", "unchanged", "refused")


@bp.post("/upload/<int:upload_id>/confirm")
@login_required
def upload_confirm(upload_id: int) -> Response:
    """Store the rows' values (by a job past the size a request takes); the results per row."""
    kept = _mine(upload_id)
    form = ColumnsForm()
    form.offer(kept.header)
    columns = form.columns() if form.validate_on_submit() else None
    if kept.applied_at is not None or columns is None:
        return redirect(url_for("checkins.upload_preview", upload_id=kept.id), code=303)
    if as_job(kept):
        job = start_upload_job(kept, columns, current_user)
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    results = apply_upload(kept, columns, current_user, utcnow())
    kept.applied_at, kept.done_rows = utcnow(), len(kept.rows)
    return _page(
        kept, PreviewColumnsForm(formdata=None, data=form.data), form, results, stored=True
    )
