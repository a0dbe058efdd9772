"""A review's dashboard: counts per status and department, one page of rows with live scores.

What the viewer follows only (HR everyone; a manager their chain), in a fixed number of queries.
The rows are filtered by status and department (with the departments below it) and paged
(okr.paging's page size): the page's appraisals are chosen by id first, so only they are read
in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from okr.extensions import db
from okr.org.models import Department, Person
from okr.org.queries import report_ids
from okr.paging import Paging, paged
from okr.people.filters import in_departments
from okr.reviews.models import Appraisal, Review
from okr.reviews.queries import inputs_of, live
from okr.reviews.services import STATUS_ORDER, spec_of
from okr.schemes.format import TemplateSpec


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
    rows: list[DashboardRow] | None  # None: the filter was refused
    paging: Paging | None


@dataclass(frozen=True)
class Followed:
    """Whom the viewer follows in a review: HR everyone; a manager the people they manage or
    managed when it opened (as okr.reviews.queries.scope) but not themself. Their chain is read
    once for the page's queries."""

    viewer: Person
    chain: frozenset[int]
    clauses: tuple[ColumnElement[bool], ...]


def followed(review: Review, viewer: Person) -> Followed:
    """What the viewer follows in the review (one query for a manager's chain)."""
    if viewer.is_admin:
        return Followed(viewer, frozenset(), (Appraisal.review_id == review.id,))
    chain = frozenset(report_ids(viewer.id))
    mine = or_(Appraisal.manager_id == viewer.id, Appraisal.person_id.in_(sorted(chain)))
    return Followed(
        viewer, chain, (Appraisal.review_id == review.id, mine, Appraisal.person_id != viewer.id)
    )


@dataclass
class Counts:
    """The followed appraisals counted per status and per department (one query)."""

    by_status: dict[str, int]
    departments: dict[int, DepartmentCounts]


def count_followed(seen: Followed) -> Counts | None:
    """The counts, or None when a manager follows nobody in the review."""
    counted = db.session.execute(
        select(Appraisal.department_id, Department.name, Appraisal.status, func.count())
        .join(Department, Department.id == Appraisal.department_id)
        .where(*seen.clauses)
        .group_by(Appraisal.department_id, Department.name, Appraisal.status)
    ).all()
    if not counted and not seen.viewer.is_admin:
        return None
    return Counts(*_tally(counted))


def load_dashboard(
    review: Review,
    seen: Followed,
    counts: Counts,
    page: int = 1,
    status: str | None = None,
    departments: frozenset[int] | None = None,
    *,
    valid: bool = True,
) -> Dashboard:
    """The counts and one page of rows with live scores (fixed queries); no rows when the
    filter is not `valid`."""
    spec = spec_of(review.template)
    rows, paging = None, None
    if valid:
        ids, paging = paged(_filtered(seen, status, departments), page)
        rows = _dashboard_rows(review, spec, seen, _appraisals(ids))
    total = sum(counts.by_status.values())
    in_order = sorted(counts.departments.values(), key=lambda d: d.name)
    return Dashboard(review, spec, total, counts.by_status, in_order, rows, paging)


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
    seen: Followed, status: str | None, departments: frozenset[int] | None
) -> Select[Any]:
    """Ids of the followed appraisals the filter leaves, by department and name."""
    stmt = select(Appraisal.id).where(
        *seen.clauses, in_departments(Appraisal.department_id, departments)
    )
    if status:
        stmt = stmt.where(Appraisal.status == status)
    return (
        stmt.join(Person, Person.id == Appraisal.person_id)
        .join(Department, Department.id == Appraisal.department_id)
        .order_by(Department.name, Person.name, Appraisal.id)
    )


def _appraisals(ids: list[int]) -> list[Appraisal]:
    """The page's appraisals with person, department and manager, in the page's order."""
    if not ids:
        return []
    found = db.session.scalars(
        select(Appraisal)
        .where(Appraisal.id.in_(ids))
        .options(
            db.joinedload(Appraisal.person),
            db.joinedload(Appraisal.department),
            db.joinedload(Appraisal.manager),
        )
    )
    by_id = {a.id: a for a in found}
    return [by_id[i] for i in ids]


def _dashboard_rows(
    review: Review, spec: TemplateSpec, seen: Followed, appraisals: list[Appraisal]
) -> list[DashboardRow]:
    """Each appraisal with its peer progress and its score (frozen once finalized, else live)."""
    inputs = inputs_of(review, appraisals)
    viewer = seen.viewer
    chain = seen.chain if not viewer.is_admin else (report_ids(viewer.id) if appraisals else set())
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
