"""A review's dashboard: counts per status and department, one page of rows with live scores.

What the viewer follows only (HR everyone; a manager their chain), in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select

from okr.extensions import db
from okr.org.models import Department, Person
from okr.org.queries import report_ids
from okr.reviews.models import Appraisal, Review
from okr.reviews.queries import inputs_of, live, scope
from okr.reviews.services import STATUS_ORDER, spec_of
from okr.schemes.format import TemplateSpec

PAGE_SIZE = 50


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
    by_status, departments = _tally(counted)
    stmt = _filtered(review, viewer, status, department_id)
    paged = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False, count=True)
    spec = spec_of(review.template)
    return Dashboard(
        review,
        spec,
        sum(by_status.values()),
        by_status,
        sorted(departments.values(), key=lambda d: d.name),
        _dashboard_rows(review, spec, viewer, list(paged.items)),
        paged.page,
        paged.pages or 1,
        status,
        department_id,
    )


def _tally(counted: Iterable[Any]) -> tuple[dict[str, int], dict[int, DepartmentCounts]]:
    """(department, name, status, count) rows summed per status and per department."""
    by_status = dict.fromkeys(STATUS_ORDER, 0)
    departments: dict[int, DepartmentCounts] = {}
    for dept_id, name, code, n in counted:
        by_status[code] = by_status.get(code, 0) + n
        entry = departments.setdefault(dept_id, DepartmentCounts(dept_id, name, 0, {}))
        entry.total += n
        entry.by_status[code] = n
    return by_status, departments


def _filtered(
    review: Review, viewer: Person, status: str | None, department_id: int | None
) -> Select[Any]:
    """The viewer's appraisals in the review, filtered, by department and name."""
    stmt = _scoped(review, viewer)
    if status:
        stmt = stmt.where(Appraisal.status == status)
    if department_id:
        stmt = stmt.where(Appraisal.department_id == department_id)
    return (
        stmt.join(Appraisal.person)
        .join(Appraisal.department)
        .options(
            db.contains_eager(Appraisal.person),
            db.contains_eager(Appraisal.department),
            db.joinedload(Appraisal.manager),
        )
        .order_by(Department.name, Person.name, Appraisal.id)
    )


def _dashboard_rows(
    review: Review, spec: TemplateSpec, viewer: Person, appraisals: list[Appraisal]
) -> list[DashboardRow]:
    """Each appraisal with its peer progress and its score (frozen once finalized, else live)."""
    inputs = inputs_of(review, appraisals)
    chain = report_ids(viewer.id) if appraisals else set()
    rows = []
    for appraisal in appraisals:
        got = inputs[appraisal.id]
        if appraisal.finalized_at is not None:
            composite, grade = appraisal.composite, appraisal.final_grade or appraisal.grade
        else:
            result = live(spec, appraisal, got).result
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
    return rows
