"""The grade distribution against the quotas, and the board's counts, from one GROUP BY.

Per department (the department each person sat in when the review opened) and company-wide.
The group is everyone appraised in it; the counts are final grades, so people not finalized yet
count in the group size (the quota is a share of the whole department) but hold no grade.
Quota maths: okr.domain.calibration.check_quotas, on each group's counts.

The appraisals are counted by (department, finalized, released, final grade) in SQL; none is
loaded. The company row is always the whole review. Departments: those in the filter's subtree
(every department when none is chosen), the ones over a quota first, then by name, at most
okr.paging's page size of them; the board says how many more there are (a company of 1,243
departments draws its 25 first, over quota first, and one narrows by department for the rest).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from okr.domain.calibration import check_quotas, over_quota
from okr.extensions import db
from okr.org.models import Department
from okr.reviews.models import Appraisal, Review
from okr.schemes.format import TemplateSpec


@dataclass(frozen=True)
class Group:
    """Whom a distribution row is about: a department (id and name), or the company (id None)."""

    id: int | None
    name: str


@dataclass
class Counted:
    """One group's appraisals: how many, how many finalized, released, and each final grade."""

    size: int = 0
    finalized: int = 0
    released: int = 0
    grades: Counter[str] = field(default_factory=Counter)  # finalized ones; "" for no grade

    def add(self, finalized: bool, released: bool, grade: str | None, n: int) -> None:
        self.size += n
        if finalized:
            self.finalized += n
            self.grades[grade or ""] += n
        if released:
            self.released += n


@dataclass
class Tally:
    """The review's appraisals counted company-wide and per department."""

    company: Counted
    departments: dict[int, tuple[Group, Counted]]
    rows: list[
        tuple[int, bool, bool, str | None, int]
    ]  # (department, finalized, released, grade, n)

    @property
    def open(self) -> int:
        return self.company.size - self.company.finalized

    @property
    def pending_release(self) -> int:
        return self.company.finalized - self.company.released


@dataclass
class QuotaCell:
    label: str
    count: int
    allowed: int | None  # None: the grade has no quota
    exceeded: bool


@dataclass
class Distribution:
    """Final grades of one group (a department, or the company when `department` is None)."""

    department: Group | None
    size: int
    finalized: int
    cells: list[QuotaCell]

    @property
    def exceeded(self) -> bool:
        return any(c.exceeded for c in self.cells)


IS_FINALIZED = Appraisal.finalized_at.is_not(None)
IS_RELEASED = Appraisal.released_at.is_not(None)


def _company(review: Review, company: Counted) -> None:
    """The whole review counted by status and final grade (one query of a few rows)."""
    for is_final, is_released, grade, n in db.session.execute(
        select(IS_FINALIZED, IS_RELEASED, Appraisal.final_grade, func.count())
        .where(Appraisal.review_id == review.id)
        .group_by(IS_FINALIZED, IS_RELEASED, Appraisal.final_grade)
    ):
        company.add(bool(is_final), bool(is_released), grade, n)


def tally(review: Review, departments: frozenset[int] | None = None) -> Tally:
    """Count the review's appraisals per department, status and final grade: every department
    in one query; with `departments` chosen, the company in one (a few rows) and only those in
    another (the filtered board reads nothing of the other departments)."""
    found = Tally(Counted(), {}, [])
    stmt = (
        select(
            Appraisal.department_id,
            Department.name,
            IS_FINALIZED,
            IS_RELEASED,
            Appraisal.final_grade,
            func.count(),
        )
        .join(Department, Department.id == Appraisal.department_id)
        .where(Appraisal.review_id == review.id)
        .group_by(
            Appraisal.department_id,
            Department.name,
            IS_FINALIZED,
            IS_RELEASED,
            Appraisal.final_grade,
        )
    )
    if departments is not None:
        stmt = stmt.where(Appraisal.department_id.in_(sorted(departments)))
        _company(review, found.company)
    for department_id, name, is_final, is_released, grade, n in db.session.execute(stmt):
        is_final, is_released = bool(is_final), bool(is_released)
        found.rows.append((department_id, is_final, is_released, grade, n))
        entry = found.departments.get(department_id)
        if entry is None:
            entry = found.departments[department_id] = (Group(department_id, name), Counted())
        entry[1].add(is_final, is_released, grade, n)
        if departments is None:
            found.company.add(is_final, is_released, grade, n)
    return found


Cells = list[QuotaCell]


def quota_cells(counted: Counted, spec: TemplateSpec) -> Cells:
    """One group's final grades against the template's quotas."""
    grades = [label for label, n in counted.grades.items() for _i in range(n)]
    grades += [""] * (counted.size - counted.finalized)
    quota = {line.label: line for line in check_quotas(grades, spec.quotas).lines}
    return [
        QuotaCell(
            label,
            counted.grades[label],
            quota[label].allowed if label in quota else None,
            label in quota and quota[label].exceeded,
        )
        for label in spec.band_labels()
    ]


def distribution(
    group: Group | None, counted: Counted, spec: TemplateSpec, seen: dict[object, Cells]
) -> Distribution:
    """One group's row; groups counted alike share their cells (`seen`)."""
    key = _alike(counted)
    if key not in seen:
        seen[key] = quota_cells(counted, spec)
    return Distribution(group, counted.size, counted.finalized, seen[key])


def _alike(counted: Counted) -> object:
    return (counted.size, counted.finalized, frozenset(counted.grades.items()))


def distributions(
    counts: Tally, spec: TemplateSpec, departments: frozenset[int] | None
) -> tuple[list[Distribution], int]:
    """The company, then the filter's departments (over a quota first, then by name, at most a
    page of them), and how many of the filter's departments are left out. Only the rows drawn
    get their quota cells; the order asks each department only whether it is over a quota
    (okr.domain.calibration.over_quota, once per distinct count: 1,243 departments hold far
    fewer)."""
    over: dict[object, bool] = {}

    def first(entry: tuple[Group, Counted]) -> tuple[bool, str, int]:
        group, counted = entry
        key = _alike(counted)
        if key not in over:
            over[key] = over_quota(counted.grades, counted.size, spec.quotas)
        return (not over[key], group.name, group.id or 0)

    chosen = [
        entry
        for key, entry in counts.departments.items()
        if departments is None or key in departments
    ]
    chosen.sort(key=first)
    seen: dict[object, Cells] = {}
    shown = [distribution(g, c, spec, seen) for g, c in chosen[: current_app.config["PAGE_SIZE"]]]
    company = distribution(None, counts.company, spec, seen)
    return [company, *shown], len(chosen) - len(shown)
