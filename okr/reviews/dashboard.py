"""A review's dashboard: counts per status and department, one page of rows with live scores.

What the viewer follows only (HR everyone; a manager their chain), in a fixed number of queries.
The rows are filtered by status and department (with the departments below it) and paged
(okr.paging's page size): the page's appraisals are chosen by id first, so only they are read
in full. The counts per department are a list of their own, filtered by the same department and
paged the same way (a company has over a thousand): one grouped query gives a page of
departments with their counts per status and how many departments there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, case, func, or_, select

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
    departments: list[DepartmentCounts] | None  # None: the filter was refused
    department_paging: Paging | None
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


def count_followed(seen: Followed) -> dict[str, int] | None:
    """The followed appraisals counted per status (one query), or None when a manager follows
    nobody in the review."""
    counted = db.session.execute(
        select(Appraisal.status, func.count()).where(*seen.clauses).group_by(Appraisal.status)
    ).all()
    if not counted and not seen.viewer.is_admin:
        return None
    by_status = dict.fromkeys(STATUS_ORDER, 0)
    by_status.update({code: n for code, n in counted})
    return by_status


def load_dashboard(
    review: Review,
    seen: Followed,
    by_status: dict[str, int],
    pages: tuple[int, int] = (1, 1),
    status: str | None = None,
    departments: frozenset[int] | None = None,
    *,
    valid: bool = True,
) -> Dashboard:
    """The counts, a page of departments and one page of rows with live scores (fixed queries);
    `pages` are the rows' page and the departments'. No rows when the filter is not `valid`."""
    spec = spec_of(review.template)
    board = Dashboard(review, spec, sum(by_status.values()), by_status, None, None, None, None)
    if valid:
        # Without a department filter the status counts above are the list's total already.
        total = None if departments is not None else _known_total(by_status, status)
        ids, board.paging = paged(_filtered(seen, status, departments), pages[0], total)
        board.rows = _dashboard_rows(review, spec, seen, _appraisals(ids))
        board.departments, board.department_paging = department_page(seen, departments, pages[1])
    return board


def _known_total(by_status: dict[str, int], status: str | None) -> int:
    return by_status.get(status, 0) if status else sum(by_status.values())


def department_page(
    seen: Followed, departments: frozenset[int] | None, page: int
) -> tuple[list[DepartmentCounts], Paging]:
    """One page of the departments with followed appraisals, by name, with their counts per
    status, and where the page lies (one query; a second only for a page past the end)."""
    per_page = current_app.config["PAGE_SIZE"]
    number = max(page, 1)
    found, total = _departments(seen, departments, number, per_page)
    if not found and number > 1:
        number = max(-(-_department_count(seen, departments) // per_page), 1)
        found, total = _departments(seen, departments, number, per_page)
    return found, Paging(number, max(-(-total // per_page), 1), total, per_page)


def _in_departments(seen: Followed, departments: frozenset[int] | None) -> Select[Any]:
    return (
        select(Appraisal.department_id)
        .where(*seen.clauses, in_departments(Appraisal.department_id, departments))
        .group_by(Appraisal.department_id)
    )


def _department_count(seen: Followed, departments: frozenset[int] | None) -> int:
    counted = select(func.count()).select_from(_in_departments(seen, departments).subquery())
    return db.session.scalar(counted) or 0


def _departments(
    seen: Followed, departments: frozenset[int] | None, page: int, per_page: int
) -> tuple[list[DepartmentCounts], int]:
    """A page of departments with their counts, and how many departments (a window count)."""
    per_status = [func.count(case((Appraisal.status == code, 1))) for code in STATUS_ORDER]
    # Counted per department first (from the index, in its order), named and sorted after.
    counted = _in_departments(seen, departments).add_columns(func.count(), *per_status).subquery()
    stmt = (
        select(counted.c.department_id, Department.name, *list(counted.c)[1:], func.count().over())
        .join(Department, Department.id == counted.c.department_id)
        .order_by(Department.name, counted.c.department_id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = db.session.execute(stmt).all()
    found = [
        DepartmentCounts(row[0], row[1], row[2], dict(zip(STATUS_ORDER, row[3:-1], strict=True)))
        for row in rows
    ]
    return found, (rows[0][-1] if rows else 0)


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
