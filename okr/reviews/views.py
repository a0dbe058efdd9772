"""Reviews: the list, opening a review for a cycle (HR), and a review's dashboard."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField
from wtforms.validators import Optional

from okr.access import admin_required, ensure
from okr.cycles.models import Cycle
from okr.errors import Invalid
from okr.explain import derivation_rule
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.labels import status_label
from okr.org.queries import department_tree, flatten
from okr.people.filters import ListFilterForm, checked, subtree
from okr.reviews import display
from okr.reviews import queries as q
from okr.reviews.blueprint import bp
from okr.reviews.dashboard import Dashboard, count_followed, followed, load_dashboard
from okr.reviews.forms import OpenReviewForm
from okr.reviews.models import ReviewTemplate
from okr.reviews.open_job import opens_as_job, start_opening
from okr.reviews.opening import open_review, opened_message
from okr.reviews.services import STATUS_ORDER
from okr.schemes.format import TemplateFormatError, counted_parts, part_label
from okr.web import form_errors, invalid_status, render

bp.add_app_template_filter(display.shown_score, "review_score")
bp.add_app_template_global(display.appraisal_status, "appraisal_status")
bp.add_app_template_global(part_label, "review_part_label")
bp.add_app_template_global(counted_parts, "review_counted_parts")
bp.add_app_template_global(derivation_rule, "derivation_rule")


@bp.get("/")
@login_required
def index() -> Response:
    """Reviews I oversee (HR all, managers those with their people) and my own appraisals."""
    return render(
        "reviews/index.html",
        reviews=q.reviews_for(current_user),
        mine=q.my_appraisals(current_user),
    )


def _choices(form: OpenReviewForm) -> tuple[list[Cycle], list[ReviewTemplate]]:
    cycles, templates = q.cycles_offered(), q.templates_offered()
    form.cycle_id.choices = options((c.id, f"{c.label} · {status_label(c.status)}") for c in cycles)
    form.template_id.choices = options((t.id, f"{t.name} (v{t.version})") for t in templates)
    form.departments.choices = options(
        (node.department.id, "— " * depth + node.department.name)
        for depth, node in flatten(department_tree())
    )
    return cycles, templates


def _cycle_default(
    form: OpenReviewForm, cycles: list[Cycle], templates: list[ReviewTemplate]
) -> None:
    """A new form opens on the cycle asked for (else the newest) with that cycle's own review
    template, or the current version of its family when a newer one superseded it."""
    wanted = request.args.get("cycle", type=int)
    cycle = next((c for c in cycles if c.id == wanted), cycles[0] if cycles else None)
    if cycle is None:
        return
    form.cycle_id.data = cycle.id
    own = db.session.get(ReviewTemplate, cycle.template_id) if cycle.template_id else None
    if own is not None:
        same = [t for t in templates if t.id == own.id] or [
            t for t in templates if t.family == own.family
        ]
        form.template_id.data = same[0].id if same else None


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Response:
    """Open a review: appraisals for every active person in the chosen departments; a job for
    OKR_OPEN_JOB_PEOPLE people or more, whose page follows it."""
    form = _open_form()
    if form.validate_on_submit() and (opened := _open(form)) is not None:
        return opened
    return render("reviews/new.html", form=form, status=invalid_status(form))


def _open(form: OpenReviewForm) -> Response | None:
    """Open the review (or ask for its job); None with the reasons beside the fields."""
    cycle = db.get_or_404(Cycle, form.cycle_id.data)
    template = db.get_or_404(ReviewTemplate, form.template_id.data)
    departments = list(form.departments.data or [])
    deadlines = (form.self_deadline.data, form.peer_deadline.data, form.interview_deadline.data)
    name, counts = form.name.data or "", {}
    try:
        if opens_as_job(departments):
            job = start_opening(name, cycle, template, departments, deadlines, current_user)
            next_url = url_for(".dashboard", review_id=job.params["review_id"])
            job.params = {**job.params, "next": next_url}
            return redirect(url_for("jobs.show", job_id=job.id), 303)
        review = open_review(name, cycle, template, departments, deadlines, current_user, counts)
    except Invalid as exc:
        form_errors(form, exc)
    except TemplateFormatError as exc:
        form.template_id.errors = [*form.template_id.errors, *exc.messages]
    else:
        flash(opened_message(counts), "success")
        return redirect(url_for(".dashboard", review_id=review.id), 303)
    return None


def _open_form() -> OpenReviewForm:
    """The form with its choices, the deadlines a week, ten days and two weeks from today."""
    start = q.today()
    form = OpenReviewForm(
        self_deadline=start + timedelta(days=7),
        peer_deadline=start + timedelta(days=10),
        interview_deadline=start + timedelta(days=14),
    )
    cycles, templates = _choices(form)
    if not form.is_submitted():
        _cycle_default(form, cycles, templates)
    return form


class DashboardFilterForm(ListFilterForm):
    """Which appraisals the dashboard lists: a department (and below) and a status."""

    status = SelectField(_l("Status"), validators=[Optional()])


def _dashboard_filter() -> tuple[DashboardFilterForm, bool, tuple[int, int]]:
    """The dashboard's filter as asked for, whether it is valid, and the pages of its rows and
    of its departments."""
    form = DashboardFilterForm(request.args)
    form.status.choices = options(
        [("", _("All")), *((code, display.appraisal_status(code)) for code in STATUS_ORDER)]
    )
    pages = (
        request.args.get("page", 1, type=int),
        request.args.get("department_page", 1, type=int),
    )
    return form, checked(form), pages


@bp.get("/<int:review_id>")
@login_required
def dashboard(review_id: int) -> Response:
    """Where a review stands: counts per status and department, each appraisal (filtered, paged)."""
    review = q.load_review(review_id)
    seen = followed(review, current_user)
    counts = count_followed(seen)
    ensure(counts is not None)
    form, valid, pages = _dashboard_filter()
    status, departments = form.status.data or None, subtree(form.department_id)
    board = load_dashboard(review, seen, counts, pages, status, departments, valid=valid)
    calibration = (
        q.optional_url("calibration.show", review_id=review.id) if current_user.is_admin else None
    )
    return render(
        "reviews/dashboard.html",
        block="lists",
        read_form=_read_form(board),
        status=200 if valid else 422,
        board=board,
        form=form,
        statuses=STATUS_ORDER,
        calibration_url=calibration,
    )


def _read_form(board: Dashboard) -> ActionForm | None:
    """HR's "read the earlier cycles again" button, on an open review with roll-up parts."""
    wanted = current_user.is_admin and board.review.status == "open" and board.spec.domain.rollups
    return ActionForm() if wanted else None
