"""The calibration page (HR only): distribution vs quotas, the list, overrides, finalize, release.

The board is filtered and paged (okr.calibration.filters, okr.calibration.board); the filter and
page live in the query string, and the override forms and the finalize and release buttons post
with them, so one lands back on the page one left. Finalize and release run as jobs
(okr.calibration.jobs): the buttons ask for one and the board follows it until it ends, with its
buttons disabled meanwhile. Leniency (okr.calibration.leniency) and the whole audit are their own
pages, the board loads the first on demand and links to the second.
"""

from __future__ import annotations

from flask import Response, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import Length

from okr.access import admin_required
from okr.calibration.blueprint import bp
from okr.calibration.board import Board, audit_page, calibration_board, load_review
from okr.calibration.filters import BoardFilter, BoardFilterForm
from okr.calibration.jobs import FINALIZE, RELEASE, active_job, outcome, review_job, start
from okr.calibration.leniency import leniency_page
from okr.calibration.results import override
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, VersionedForm, options
from okr.jobs import registry
from okr.jobs.models import Job
from okr.people.filters import checked, subtree
from okr.reviews.models import Appraisal, Review
from okr.reviews.services import spec_of
from okr.schemes.format import TemplateSpec
from okr.unit_of_work import reload_as_stored
from okr.web import form_errors, render, wants_fragment

BOARD_ARGS = ("department", "grade", "status", "page")


class OverrideForm(VersionedForm):
    grade = SelectField(_l("Final grade"))
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


def override_form(
    spec: TemplateSpec, appraisal: Appraisal, submitted: bool = False
) -> OverrideForm:
    """A row's form; its field ids carry the appraisal id (a12-grade, a12-reason)."""
    prefix = f"a{appraisal.id}"
    if submitted:
        form = OverrideForm(prefix=prefix)
    else:
        data = {"grade": appraisal.final_grade or appraisal.grade, "version": appraisal.version}
        form = OverrideForm(prefix=prefix, formdata=None, data=data)
    form.grade.choices = options((label, label) for label in spec.band_labels())
    return form


def _review(review_id: int) -> tuple[Review, TemplateSpec]:
    review = load_review(review_id)
    return review, spec_of(review.template)


def _filter(spec: TemplateSpec) -> tuple[BoardFilterForm, BoardFilter | None]:
    """The board's filter as the query string asks for it; None when refused (beside the field)."""
    form = BoardFilterForm(request.args)
    form.grade.choices = options([("", _("All")), *((g, g) for g in spec.band_labels())])
    if not checked(form):
        return form, None
    departments = subtree(form.department_id)
    return form, BoardFilter(departments, form.grade.data or None, form.status.data or None)


def _where() -> dict[str, str]:
    """The board's filter and page as asked for: every form of the board posts back to them."""
    return {k: v for k, v in request.args.items() if v and k in BOARD_ARGS}


def _page(
    board: Board,
    form: BoardFilterForm,
    status: int = 200,
    failed: dict[int, OverrideForm] | None = None,
    job: Job | None = None,
) -> Response:
    """The board; `job` is the review's active job when the caller has read it already."""
    forms = {r.appraisal.id: override_form(board.spec, r.appraisal) for r in board.rows}
    forms.update(failed or {})
    return render(
        "calibration/show.html",
        block="view",
        status=422 if board.chosen is None else status,
        board=board,
        forms=forms,
        filter_form=form,
        where=_where(),
        action=ActionForm(),
        **_following(job or active_job(board.review)),
    )


@bp.get("")
@admin_required
def show(review_id: int) -> Response:
    """One page of the board, filtered as asked (a refused filter: 422 beside the field)."""
    review, spec = _review(review_id)
    followed = _followed(review, request.args.get("followed", type=int))
    form, chosen = _filter(spec)
    board = calibration_board(review, spec, chosen, request.args.get("page", 1, type=int))
    return _page(board, form, job=followed)


def _followed(review: Review, job_id: int | None) -> Job | None:
    """The job the board was sent to follow, read once: while it is active the board polls it
    (which says what it did when it ends); when it ended before the board was drawn (a small
    review's), what it did, said now. Reading it twice left a gap where neither happened."""
    found = review_job(review, job_id) if job_id else None
    if found is None or found.active:
        return found
    if found.status == "done":
        flash(*outcome(found))
    return None


@bp.post("/appraisals/<int:appraisal_id>/grade")
@admin_required
def override_grade(review_id: int, appraisal_id: int) -> Response:
    review, spec = _review(review_id)
    appraisal = db.get_or_404(Appraisal, appraisal_id)
    if appraisal.review_id != review.id:
        abort(404)
    form = override_form(spec, appraisal, submitted=True)
    if form.validate_on_submit():
        try:
            override(
                appraisal,
                spec,
                form.grade.data,
                form.reason.data or "",
                current_user,
                form.opened_version,
            )
        except StaleEdit:
            form.form_errors.append(_("Someone changed this appraisal meanwhile; reload the page."))
        except Invalid as exc:
            form_errors(form, exc)
        else:
            reload_as_stored()
            return _overridden(review, spec, appraisal)
    return _refused(review, spec, appraisal_id, form)


def _refused(review: Review, spec: TemplateSpec, appraisal_id: int, form: OverrideForm) -> Response:
    """A refused override leaves nothing behind (not even a finalize): the row or page again, 422."""
    db.session.rollback()
    filter_form, chosen = _filter(spec)
    if wants_fragment():
        board = calibration_board(review, spec, chosen, only=appraisal_id)
        return render(
            "calibration/_overridden.html",
            status=422,
            row=board.rows[0],
            form=form,
            board=board,
            where=_where(),
            refused=True,
        )
    page = request.args.get("page", 1, type=int)
    board = calibration_board(review, spec, chosen, page)
    return _page(board, filter_form, 422, {appraisal_id: form})


def _overridden(review: Review, spec: TemplateSpec, appraisal: Appraisal) -> Response:
    """htmx: the row, with the distribution and audit swapped out of band; else back to the
    page and filter it was posted from."""
    if not wants_fragment():
        flash(_("Grade changed; the change is recorded."), "success")
        target = url_for(
            ".show", review_id=review.id, _anchor=f"appraisal-{appraisal.id}", **_where()
        )
        return redirect(target, code=303)
    _form, chosen = _filter(spec)
    board = calibration_board(review, spec, chosen, only=appraisal.id)
    row = board.rows[0]
    form = override_form(spec, row.appraisal)
    return render("calibration/_overridden.html", row=row, form=form, board=board, where=_where())


@bp.get("/leniency")
@admin_required
def leniency(review_id: int) -> Response:
    """Interview ratings by manager (loaded on demand): the filter's managers, the company mean."""
    review, spec = _review(review_id)
    form, chosen = _filter(spec)
    page = None
    if chosen is not None:
        page = leniency_page(
            review, spec, chosen.departments, request.args.get("page", 1, type=int)
        )
    return render(
        "calibration/leniency.html",
        block="view",
        status=200 if page else 422,
        review=review,
        spec=spec,
        filter_form=form,
        page=page,
    )


@bp.get("/changes")
@admin_required
def changes(review_id: int) -> Response:
    """Every grade change of the review, newest first, a page at a time."""
    review = load_review(review_id)
    found = audit_page(review, request.args.get("page", 1, type=int))
    return render("calibration/changes.html", block="view", review=review, audit=found)


@bp.post("/finalize")
@admin_required
def finalize(review_id: int) -> Response:
    """Ask a worker to finalize every complete appraisal; the board shows how far it is."""
    return _start(FINALIZE, review_id)


@bp.post("/release")
@admin_required
def release(review_id: int) -> Response:
    """Ask a worker to rank and release the finalized results; the board shows how far it is."""
    return _start(RELEASE, review_id)


def _start(kind: str, review_id: int) -> Response:
    review = load_review(review_id)
    if ActionForm().validate_on_submit():
        try:
            job = start(kind, review, current_user)
        except Invalid as exc:
            db.session.rollback()
            flash(next(iter(exc.errors.values())), "error")
        else:  # by the job's address: one that ends before the board is drawn still says so
            where = url_for(".job", review_id=review.id, job_id=job.id, **_where())
            return redirect(where, code=303)
    return redirect(url_for(".show", review_id=review.id, **_where()), code=303)


@bp.get("/jobs/<int:job_id>")
@admin_required
def job(review_id: int, job_id: int) -> Response:
    """A finalize or release job's progress (polled by the board); once it has ended, the board
    again with what it did, or the job's page with why it failed."""
    review = load_review(review_id)
    found = review_job(review, job_id)
    if found is None:
        abort(404)
    target = url_for(".show", review_id=review.id, **_where())
    if found.active:
        if wants_fragment():
            return render("calibration/_job.html", review=review, **_following(found))
        followed = url_for(".show", review_id=review.id, followed=found.id, **_where())
        return redirect(followed, code=303)
    if found.status == "failed":
        target = url_for("jobs.show", job_id=found.id)
    else:
        flash(*outcome(found))
    if not wants_fragment():
        return redirect(target, code=303)
    response = make_response("", 200)
    response.headers["HX-Redirect"] = target
    return response


def _following(job: Job | None) -> dict[str, object]:
    """The active job the board follows, and what it is called."""
    return {"job": job, "job_title": registry.title(job.kind) if job else None}
