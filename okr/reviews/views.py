"""Reviews: the list, opening a review for a cycle (HR), and a review's dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import Select, func, or_, select

from okr.access import admin_required, ensure
from okr.cycles.models import Cycle
from okr.errors import Invalid
from okr.explain import derivation_rule
from okr.extensions import db
from okr.forms import options
from okr.labels import status_label
from okr.org.models import Department, Person
from okr.org.queries import department_tree, flatten, report_ids, report_ids_query
from okr.reviews import queries as q
from okr.reviews.blueprint import bp
from okr.reviews.forms import OpenReviewForm
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import STATUS_ORDER, open_review, spec_of
from okr.schemes.format import TemplateFormatError, TemplateSpec
from okr.web import form_errors, invalid_status, render

PAGE_SIZE = 50
bp.add_app_template_filter(q.shown_score, "review_score")
bp.add_app_template_global(q.appraisal_status, "appraisal_status")
bp.add_app_template_global(q.part_word, "appraisal_part")
bp.add_app_template_global(derivation_rule, "derivation_rule")


# Loaders ----------------------------------------------------------------------------------


def scope(viewer: Person) -> Any:
    """Appraisals a manager follows: the people in their chain (now or when the review opened)."""
    return or_(
        Appraisal.manager_id == viewer.id, Appraisal.person_id.in_(report_ids_query(viewer.id))
    )


def reviews_for(viewer: Person) -> list[Review]:
    """Reviews the viewer oversees (HR all; a manager those with someone of their chain)."""
    stmt = select(Review).options(db.joinedload(Review.cycle), db.joinedload(Review.template))
    if not viewer.is_admin:
        stmt = stmt.where(
            Review.id.in_(
                select(Appraisal.review_id).where(scope(viewer), Appraisal.person_id != viewer.id)
            )
        )
    return list(db.session.scalars(stmt.order_by(Review.created_at.desc(), Review.id.desc())))


def my_appraisals(viewer: Person) -> list[Appraisal]:
    return list(
        db.session.scalars(
            select(Appraisal)
            .where(Appraisal.person_id == viewer.id)
            .options(db.joinedload(Appraisal.review).joinedload(Review.cycle))
            .order_by(Appraisal.id.desc())
        )
    )


@dataclass
class DashboardRow:
    appraisal: Appraisal
    peers_submitted: int
    peers_assigned: int
    composite: Decimal | None
    grade: str | None
    can_interview: bool


@dataclass
class DepartmentCounts:
    id: int
    name: str
    total: int
    by_status: dict[str, int]


@dataclass
class Dashboard:
    review: Review
    spec: TemplateSpec
    total: int
    by_status: dict[str, int]
    departments: list[DepartmentCounts]
    rows: list[DashboardRow]
    page: int
    pages: int
    status: str | None
    department_id: int | None

    @property
    def department_choices(self) -> list[tuple[int, str]]:
        return [(d.id, d.name) for d in self.departments]


def _scoped(review: Review, viewer: Person) -> Select[Any]:
    stmt = select(Appraisal).where(Appraisal.review_id == review.id)
    return stmt if viewer.is_admin else stmt.where(scope(viewer), Appraisal.person_id != viewer.id)


def load_dashboard(
    review: Review,
    viewer: Person,
    page: int = 1,
    status: str | None = None,
    department_id: int | None = None,
) -> Dashboard | None:
    """Counts per status and department, and one page of rows with live scores (fixed queries).

    None when the viewer follows nobody in this review.
    """
    base = _scoped(review, viewer).subquery()
    counted = db.session.execute(
        select(base.c.department_id, Department.name, base.c.status, func.count())
        .join(Department, Department.id == base.c.department_id)
        .group_by(base.c.department_id, Department.name, base.c.status)
    ).all()
    if not counted and not viewer.is_admin:
        return None
    by_status = dict.fromkeys(STATUS_ORDER, 0)
    departments: dict[int, DepartmentCounts] = {}
    for dept_id, name, code, n in counted:
        by_status[code] = by_status.get(code, 0) + n
        entry = departments.setdefault(dept_id, DepartmentCounts(dept_id, name, 0, {}))
        entry.total += n
        entry.by_status[code] = n
    stmt = _scoped(review, viewer)
    if status:
        stmt = stmt.where(Appraisal.status == status)
    if department_id:
        stmt = stmt.where(Appraisal.department_id == department_id)
    stmt = (
        stmt.join(Appraisal.person)
        .join(Appraisal.department)
        .options(
            db.contains_eager(Appraisal.person),
            db.contains_eager(Appraisal.department),
            db.joinedload(Appraisal.manager),
        )
        .order_by(Department.name, Person.name, Appraisal.id)
    )
    paged = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False, count=True)
    appraisals = list(paged.items)
    spec = spec_of(review.template)
    inputs = q.inputs_of(review, appraisals)
    chain = report_ids(viewer.id) if appraisals else set()
    rows = []
    for appraisal in appraisals:
        got = inputs[appraisal.id]
        if appraisal.finalized_at is not None:
            composite, grade = appraisal.composite, appraisal.final_grade or appraisal.grade
        else:
            result = q.live(spec, appraisal, got).result
            composite = result.composite if result else None
            grade = result.grade if result else None
        rows.append(
            DashboardRow(
                appraisal,
                sum(1 for f in got.forms if f.submitted_at is not None),
                len(got.forms),
                composite,
                grade,
                # as access.can_interview, with the chain read once for the whole page
                appraisal.person_id != viewer.id
                and (appraisal.manager_id == viewer.id or appraisal.person_id in chain),
            )
        )
    return Dashboard(
        review,
        spec,
        sum(by_status.values()),
        by_status,
        sorted(departments.values(), key=lambda d: d.name),
        rows,
        paged.page,
        paged.pages or 1,
        status,
        department_id,
    )


# Views ------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Response:
    """Reviews I oversee (HR all, managers those with their people) and my own appraisals."""
    return render(
        "reviews/index.html",
        reviews=reviews_for(current_user),
        mine=my_appraisals(current_user),
    )


def _choices(form: OpenReviewForm) -> None:
    form.cycle_id.choices = options(
        (c.id, f"{c.label} · {status_label(c.status)}") for c in q.cycles_offered()
    )
    form.template_id.choices = options(
        (t.id, f"{t.name} (v{t.version})") for t in q.templates_offered()
    )
    form.departments.choices = options(
        (node.department.id, "— " * depth + node.department.name)
        for depth, node in flatten(department_tree())
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Response:
    """Open a review: appraisals for every active person in the chosen departments, at once."""
    start = q.today()
    form = OpenReviewForm(
        self_deadline=start + timedelta(days=7),
        peer_deadline=start + timedelta(days=10),
        interview_deadline=start + timedelta(days=14),
    )
    _choices(form)
    if form.validate_on_submit():
        counts: dict[str, int] = {}
        try:
            review = open_review(
                form.name.data or "",
                db.get_or_404(Cycle, form.cycle_id.data),
                db.get_or_404(ReviewTemplate, form.template_id.data),
                list(form.departments.data or []),
                (form.self_deadline.data, form.peer_deadline.data, form.interview_deadline.data),
                current_user,
                counts,
            )
        except Invalid as exc:
            form_errors(form, exc)
        except TemplateFormatError as exc:
            form.template_id.errors = [*form.template_id.errors, *exc.messages]
        else:
            flash(_opened_message(counts), "success")
            return redirect(url_for(".dashboard", review_id=review.id), 303)
    return render("reviews/new.html", form=form, status=invalid_status(form))


def _opened_message(counts: dict[str, int]) -> str:
    message = ngettext(
        "Review opened: %(num)d appraisal created.",
        "Review opened: %(num)d appraisals created.",
        counts["created"],
    )
    if counts["skipped"]:
        message += " " + ngettext(
            "%(num)d person was skipped: already appraised in another review of this cycle.",
            "%(num)d people were skipped: already appraised in another review of this cycle.",
            counts["skipped"],
        )
    return message


@bp.get("/<int:review_id>")
@login_required
def dashboard(review_id: int) -> Response:
    """Where a review stands: counts per status and department, and each appraisal (filterable)."""
    review = q.load_review(review_id)
    status = request.args.get("status") or None
    board = load_dashboard(
        review,
        current_user,
        page=max(request.args.get("page", 1, type=int), 1),
        status=status if status in STATUS_ORDER else None,
        department_id=request.args.get("department", type=int),
    )
    ensure(board is not None)
    return render(
        "reviews/dashboard.html",
        block="rows",
        board=board,
        statuses=STATUS_ORDER,
        calibration_url=q.optional_url("calibration.show", review_id=review.id)
        if current_user.is_admin
        else None,
    )
