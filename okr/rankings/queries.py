"""Ranking lists: finalized results the viewer may rank, by department, with their ranks.

A page holds whole departments, so each department's ranks are read together: departments
are taken in order (by name) until the next would pass the page size (a department larger
than a page fills a page of its own). Ranks are not computed in SQL because composites are
exact decimals that SQLite keeps as text (okr.db.Exact); department_ranks ranks the page's
departments from their composites alone. Counts per department come from one aggregate query,
so a page reads its own rows and nothing of the other pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import load_only

from okr.calibration.board import Row, frozen_points, load_appraisals
from okr.calibration.ranks import department_ranks
from okr.extensions import db
from okr.org.models import Department, Person
from okr.org.queries import report_ids
from okr.people.filters import in_departments
from okr.reviews.models import Appraisal, Review

RELEASED, UNRELEASED = "released", "unreleased"


@dataclass(frozen=True)
class RankingFilter:
    """Which finalized results a list shows: of those the viewer may rank (`seen`), a
    department's subtree, a final grade, released or not."""

    seen: tuple[ColumnElement[bool], ...]
    departments: frozenset[int] | None = None  # a department's subtree; None: every one
    grade: str | None = None
    status: str | None = None  # RELEASED | UNRELEASED | None


@dataclass
class RankingGroup:
    department: Department
    rows: list[Row]


@dataclass(frozen=True)
class GroupPaging:
    """One page of whole departments: rows `first`..`last` of `total` (1-based)."""

    page: int
    pages: int
    total: int
    first: int
    last: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class RankingPage:
    groups: list[RankingGroup]
    paging: GroupPaging
    waiting: int  # in scope and in the department, not finalized yet (not ranked)


def seen_by(review: Review, viewer: Person) -> tuple[ColumnElement[bool], ...]:
    """The review's appraisals the viewer may rank: HR all; a manager those they manage or
    managed when the review opened (as okr.reviews.queries.scope), their reports' ids read once
    for the page's queries."""
    if viewer.is_admin:
        return (Appraisal.review_id == review.id,)
    reports = sorted(report_ids(viewer.id))
    mine = or_(Appraisal.manager_id == viewer.id, Appraisal.person_id.in_(reports))
    return (Appraisal.review_id == review.id, mine)


def ranks_anyone(seen: tuple[ColumnElement[bool], ...]) -> bool:
    """Whether the viewer may rank anyone in the review (finalized or not)."""
    return db.session.scalar(select(Appraisal.id).where(*seen).limit(1)) is not None


def _ranked(f: RankingFilter) -> list[ColumnElement[bool]]:
    clauses = [
        *f.seen,
        Appraisal.finalized_at.is_not(None),
        in_departments(Appraisal.department_id, f.departments),
    ]
    if f.grade:
        clauses.append(Appraisal.final_grade == f.grade)
    if f.status == RELEASED:
        clauses.append(Appraisal.released_at.is_not(None))
    elif f.status == UNRELEASED:
        clauses.append(Appraisal.released_at.is_(None))
    return clauses


def department_sizes(f: RankingFilter) -> list[tuple[int, int]]:
    """(department id, results shown) of every department with a result, by name (one query)."""
    rows = db.session.execute(
        select(Department.id, Department.name, func.count())
        .join(Appraisal, Appraisal.department_id == Department.id)
        .where(*_ranked(f))
        .group_by(Department.id, Department.name)
    ).all()
    return [(i, n) for i, _name, n in sorted(rows, key=lambda r: (r[1], r[0]))]


def pack(sizes: list[tuple[int, int]], per_page: int) -> list[list[tuple[int, int]]]:
    """Departments in order, a page each time the next would pass `per_page` rows."""
    pages: list[list[tuple[int, int]]] = [[]]
    for department in sizes:
        if pages[-1] and sum(n for _id, n in pages[-1]) + department[1] > per_page:
            pages.append([])
        pages[-1].append(department)
    return pages


def _waiting(f: RankingFilter) -> int:
    stmt = select(func.count()).where(
        *f.seen,
        Appraisal.finalized_at.is_(None),
        in_departments(Appraisal.department_id, f.departments),
    )
    return db.session.scalar(stmt) or 0


def ranking_page(review: Review, f: RankingFilter, page: int) -> RankingPage:
    """One page of whole departments with their ranks, where it lies, and how many wait."""
    pages = pack(department_sizes(f), current_app.config["PAGE_SIZE"])
    number = min(max(page, 1), len(pages))
    before = sum(n for shown in pages[: number - 1] for _id, n in shown)
    here = sum(n for _id, n in pages[number - 1])
    total = before + here + sum(n for shown in pages[number:] for _id, n in shown)
    paging = GroupPaging(number, len(pages), total, before + 1 if here else 0, before + here)
    groups = ranking_groups(review, f, [i for i, _n in pages[number - 1]])
    return RankingPage(groups, paging, _waiting(f))


def ranking_groups(
    review: Review, f: RankingFilter, departments: list[int] | None = None
) -> list[RankingGroup]:
    """The shown results of these departments (every one when None), ranked, by department."""
    if departments == []:
        return []
    stmt = select(Appraisal).where(*_ranked(f))
    if departments is not None:
        stmt = stmt.where(Appraisal.department_id.in_(departments))
    appraisals = load_appraisals(stmt.options(load_only(*SHOWN)))
    ranks = department_ranks(review, {a.department_id for a in appraisals})
    groups: dict[int, RankingGroup] = {}
    for a in appraisals:
        group = groups.setdefault(a.department_id, RankingGroup(a.department, []))
        group.rows.append(Row(a, frozen_points(a), a.composite, True, rank=ranks.get(a.id)))
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.appraisal.person.name))
    return sorted(groups.values(), key=lambda g: (g.department.name, g.department.id))


SHOWN = (  # what a ranking row shows (the result for its parts' points), not the inputs
    Appraisal.person_id,
    Appraisal.manager_id,
    Appraisal.department_id,
    Appraisal.composite,
    Appraisal.grade,
    Appraisal.final_grade,
    Appraisal.result,
    Appraisal.finalized_at,
    Appraisal.released_at,
)
