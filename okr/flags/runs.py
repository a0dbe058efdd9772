"""The run of low cycles of everyone, in SQL: one query gives a page of the flagged and the total.

okr.domain.calibration.consecutive_low stays the definition (tests/reviews/test_flag_runs.py
compares both on varied histories); this is the same count done by the database, so a page
never reads every finalized result of the company into Python. Each finalized result is
numbered from the newest back (window function, SQLite >= 3.25 and PostgreSQL); a person's run
is the number of the newest result that is not low, less one, or all of them when every one is.

Composites are exact decimals that SQLite keeps as text (okr.db.Exact), which SQL must not
compare there: on SQLite the comparison is a function of the connection that compares them
as Decimals in Python; PostgreSQL compares its NUMERIC itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, desc, false, func, literal, or_, select

from okr.cycles.models import Cycle
from okr.domain.calibration import ConsecutiveLowRule
from okr.extensions import db
from okr.org.models import Person
from okr.people.filters import in_departments
from okr.reviews.models import Appraisal, Review

_SQLITE_LOW = "okr_flag_low"


@dataclass(frozen=True)
class Streak:
    """A flagged person before their record is read: who and how many low cycles in a row."""

    person_id: int
    name: str
    streak: int


def _sqlite_low(composite: str | None, below: str, inclusive: int) -> int:
    """A composite under the threshold (or at it, when inclusive), compared as exact decimals."""
    if composite is None:
        return 0
    score, threshold = Decimal(composite), Decimal(below)
    return int(score < threshold or (bool(inclusive) and score == threshold))


def _score_low(rule: ConsecutiveLowRule) -> ColumnElement[bool]:
    below = rule.below
    if below is None:
        return false()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        dbapi = connection.connection.driver_connection
        dbapi.create_function(_SQLITE_LOW, 3, _sqlite_low, deterministic=True)  # type: ignore[union-attr]
        call = func.okr_flag_low(Appraisal.composite, literal(str(below)), int(rule.inclusive))
        return call == 1
    return and_(
        Appraisal.composite.is_not(None),
        Appraisal.composite <= below if rule.inclusive else Appraisal.composite < below,
    )


def _low(rule: ConsecutiveLowRule) -> ColumnElement[int]:
    """1 for a low cycle, 0 otherwise (a missing composite or grade is never low)."""
    by_grade = (
        and_(Appraisal.final_grade.is_not(None), Appraisal.final_grade.in_(sorted(rule.grades)))
        if rule.grades
        else false()
    )
    return case((or_(_score_low(rule), by_grade), 1), else_=0)


def _runs(rule: ConsecutiveLowRule, departments: frozenset[int] | None) -> Select[Any]:
    """Person, name and run of everyone the rule flags (active, in the departments if given).

    The run is counted over the results alone; people are joined after, to the flagged only
    (a department's people are chosen first, so a department reads only its own results)."""
    back = func.row_number().over(
        partition_by=Appraisal.person_id, order_by=(Cycle.start.desc(), Appraisal.id.desc())
    )
    history = (
        select(Appraisal.person_id, _low(rule).label("low"), back.label("back"))
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .where(Appraisal.finalized_at.is_not(None))
    )
    if departments is not None:
        chosen = select(Person.id).where(in_departments(Person.department_id, departments))
        history = history.where(Appraisal.person_id.in_(chosen))
    lows = history.subquery()
    first_high = func.min(case((lows.c.low == 0, lows.c.back)))
    streak = func.coalesce(first_high - 1, func.count())
    runs = (
        select(lows.c.person_id, streak.label("streak"))
        .group_by(lows.c.person_id)
        .having(streak >= rule.cycles)
        .subquery()
    )
    return (
        select(runs.c.person_id, Person.name, runs.c.streak)
        .join(Person, Person.id == runs.c.person_id)
        .where(Person.active)
    )


def streak_page(
    rule: ConsecutiveLowRule, departments: frozenset[int] | None, offset: int, limit: int | None
) -> tuple[list[Streak], int]:
    """The flagged from `offset` (longest runs first, then by name) and how many in all.

    One query: the total is a window count over every flagged row, taken before the limit.
    A page past the end has no rows to carry it, so the caller counts then (`flagged_count`)."""
    runs = _runs(rule, departments)
    stmt = (
        runs.add_columns(func.count().over())
        .order_by(desc("streak"), Person.name, Person.id)
        .offset(offset)
        .limit(limit)
    )
    rows = db.session.execute(stmt).all()
    return [Streak(*row[:3]) for row in rows], (rows[0][3] if rows else 0)


def flagged_count(rule: ConsecutiveLowRule, departments: frozenset[int] | None) -> int:
    """How many the rule flags (one aggregate query)."""
    runs = _runs(rule, departments).subquery()
    return db.session.scalar(select(func.count()).select_from(runs)) or 0
