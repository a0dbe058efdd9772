"""Calibration: one page of the list by composite, the distribution, the newest grade changes.

The board is filtered (okr.calibration.filters: a department with the departments below it, a
final grade, a status) and paged (okr.paging's size); it reads its page and counts, never every
appraisal of the review:

* The list, in board order (`board_order`): finalized appraisals first, by their stored
  composite, highest first (those without one after them); then the open ones, by person name.
  An open appraisal has no stored composite and its live one is computed only when it is
  shown, so the open ones cannot be ordered by it without computing the whole review; they
  come after every finalized one. Ties go by person name, then appraisal id, so the order is
  total and each appraisal stays on one page as one pages through. Composites are ordered in
  Python from a narrow select (id, status, composite, name): exact decimals SQLite keeps as
  text cannot be sorted in SQL (okr.db.Exact). Finalized rows show their frozen derivation,
  open ones the live one (okr.calibration.live, for the page's open appraisals only) and, when
  incomplete, what is missing.
* Distribution and counts: okr.calibration.distribution (GROUP BY, no appraisal loaded).
* Leniency is its own section, loaded on demand (okr.calibration.leniency).
* Ranks: inside each department, competition ranking on the composite as shown (2 decimals)
  (okr.calibration.ranks; the ranking lists are okr.rankings.queries).
Calibration never edits inputs: only final grades change, each change audited (finalizing and
overrides are okr.calibration.results).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import joinedload

from okr.calibration.distribution import Distribution, Tally, distributions, tally
from okr.calibration.filters import BoardFilter, board_clauses, leaves
from okr.calibration.live import live_breakdowns
from okr.explain import Glossary, describe_steps
from okr.extensions import db
from okr.org.models import Person
from okr.paging import Paging, page_of
from okr.reviews.models import Appraisal, CalibrationChange, ImprovementPlan, Review
from okr.reviews.scoring import Breakdown
from okr.schemes.format import TemplateSpec, counted_parts

SCORE_PLACES = 2
AUDIT_SHOWN = 10
"""Grade changes the board shows, newest first; the rest are on their own pages."""


@dataclass
class Row:
    """One appraisal on the calibration list or a ranking list."""

    appraisal: Appraisal
    points: dict[str, Decimal | None]  # per counted part, on the template scale
    composite: Decimal | None
    complete: bool
    problems: list[str] = field(default_factory=list)
    rank: int | None = None

    @property
    def finalized(self) -> bool:
        return self.appraisal.finalized_at is not None


@dataclass
class Audit:
    """Grade changes, newest first: the board's newest few, or one page of them all."""

    changes: list[tuple[CalibrationChange, str]]
    total: int
    paging: Paging | None = None


@dataclass
class Board:
    review: Review
    spec: TemplateSpec
    chosen: BoardFilter | None  # None: the filter was refused (no list)
    rows: list[Row]
    paging: Paging | None
    counts: Tally
    distributions: list[Distribution]
    hidden_departments: int  # departments of the filter with appraisals, not drawn
    audit: Audit
    with_plan: set[int] = field(default_factory=set)  # appraisal ids that have a plan

    @cached_property
    def counted_parts(self) -> list[str]:
        return counted_parts(self.spec)

    @property
    def incomplete(self) -> list[Row]:
        """The open appraisals on this page that are not complete."""
        return [r for r in self.rows if not r.finalized and not r.complete]


def load_review(review_id: int) -> Review:
    """The review with its cycle and template, or 404."""
    return db.one_or_404(
        select(Review)
        .where(Review.id == review_id)
        .options(joinedload(Review.cycle), joinedload(Review.template))
    )


def load_appraisals(stmt: Select[tuple[Appraisal]]) -> list[Appraisal]:
    """The appraisals a query selects, with person, manager and department."""
    return list(
        db.session.scalars(
            stmt.options(
                joinedload(Appraisal.person),
                joinedload(Appraisal.manager),
                joinedload(Appraisal.department),
            )
        )
    )


def frozen_points(appraisal: Appraisal) -> dict[str, Decimal | None]:
    """Each part's points as stored when the appraisal was finalized."""
    parts = (appraisal.result or {}).get("parts", {})
    return {p: None if v.get("points") is None else Decimal(v["points"]) for p, v in parts.items()}


def _row(appraisal: Appraisal, live: Breakdown | None, words: Glossary) -> Row:
    if appraisal.finalized_at is not None or live is None:
        return Row(appraisal, frozen_points(appraisal), appraisal.composite, True)
    r = live.result
    points = {str(p): v for p, v in r.part_points.items()} if r else {}
    return Row(
        appraisal,
        points,
        r.composite if r else None,
        live.complete,
        describe_steps(live.problems, words),
    )


def board_order(finalized: Any, composite: Decimal | None, name: str, appraisal_id: int) -> tuple:  # type: ignore[type-arg]
    """Finalized first by stored composite (highest first, none last), then open ones; ties by
    name and id."""
    if not finalized:
        return (2, Decimal(0), name, appraisal_id)
    if composite is None:
        return (1, Decimal(0), name, appraisal_id)
    return (0, -composite, name, appraisal_id)


def _in_python(clauses: list[ColumnElement[bool]], page: int) -> tuple[list[int], Paging]:
    found = db.session.execute(
        select(Appraisal.id, Appraisal.finalized_at.is_not(None), Appraisal.composite, Person.name)
        .join(Person, Person.id == Appraisal.person_id)
        .where(*clauses)
    ).all()
    found.sort(key=lambda r: board_order(r[1], r[2], r[3], r[0]))
    return page_of([r[0] for r in found], page)


def _in_sql(clauses: list[ColumnElement[bool]], page: int, total: int) -> tuple[list[int], Paging]:
    _numbers, paging = page_of(range(total), page)
    finalized = Appraisal.finalized_at.is_not(None)
    group = case((~finalized, 2), (Appraisal.composite.is_(None), 1), else_=0)
    stmt = (
        select(Appraisal.id)
        .join(Person, Person.id == Appraisal.person_id)
        .where(*clauses)
        .order_by(group, case((finalized, Appraisal.composite)).desc(), Person.name, Appraisal.id)
        .offset((paging.page - 1) * paging.per_page)
        .limit(paging.per_page)
    )
    return list(db.session.scalars(stmt)), paging


def page_ids(review: Review, f: BoardFilter, counts: Tally, page: int) -> tuple[list[int], Paging]:
    """One page of the ids of the appraisals the filter leaves, in board order.

    PostgreSQL sorts the exact NUMERIC composites itself: one query for the page's ids, the
    total counted from the board's tally. SQLite keeps them as text (okr.db.Exact), so there
    the ids are read with their composites in one narrow query and sorted in Python. Both
    orders are `board_order`; names compare as each database collates them."""
    clauses = board_clauses(review, f)
    if db.session.get_bind().dialect.name == "postgresql":
        return _in_sql(clauses, page, sum(row[-1] for row in counts.rows if leaves(f, *row[:-1])))
    return _in_python(clauses, page)


def board_rows(review: Review, spec: TemplateSpec, ids: list[int]) -> list[Row]:
    """These appraisals as rows, in this order; live breakdowns for the open ones among them
    (a fixed number of IN-queries, whatever their number)."""
    by_id = {a.id: a for a in load_appraisals(select(Appraisal).where(Appraisal.id.in_(ids)))}
    appraisals = [by_id[i] for i in ids if i in by_id]
    live = live_breakdowns(review, spec, appraisals)
    words = spec.glossary()
    return [_row(a, live.get(a.id), words) for a in appraisals]


def audit(review: Review) -> Audit:
    """The newest grade changes of the review with whose grade each was, and how many there are."""
    return Audit(_changes(review, 0, AUDIT_SHOWN), _change_count(review))


def audit_page(review: Review, page: int) -> Audit:
    """One page of every grade change of the review, newest first."""
    total = _change_count(review)
    _numbers, paging = page_of(range(total), page)
    first = (paging.page - 1) * paging.per_page
    return Audit(_changes(review, first, paging.per_page), total, paging)


def _changes(review: Review, offset: int, limit: int) -> list[tuple[CalibrationChange, str]]:
    rows = db.session.execute(
        select(CalibrationChange, Person.name)
        .join(Appraisal, Appraisal.id == CalibrationChange.appraisal_id)
        .join(Person, Person.id == Appraisal.person_id)
        .where(Appraisal.review_id == review.id)
        .options(joinedload(CalibrationChange.actor))
        .order_by(CalibrationChange.at.desc(), CalibrationChange.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [(change, name) for change, name in rows]


def _change_count(review: Review) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(CalibrationChange)
            .join(Appraisal, Appraisal.id == CalibrationChange.appraisal_id)
            .where(Appraisal.review_id == review.id)
        )
        or 0
    )


def _with_plan(ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            select(ImprovementPlan.appraisal_id).where(ImprovementPlan.appraisal_id.in_(ids))
        )
    )


def calibration_board(
    review: Review,
    spec: TemplateSpec,
    chosen: BoardFilter | None,
    page: int = 1,
    only: int | None = None,
) -> Board:
    """One page of the board (or, with `only`, that appraisal's row alone), the counts, the
    distribution and the newest changes, in a fixed number of queries."""
    ids: list[int] = []
    paging = None
    counts = tally(review, chosen.departments if chosen else None)
    if only is not None:
        ids = [only]
    elif chosen is not None:
        ids, paging = page_ids(review, chosen, counts, page)
    shown, hidden = distributions(counts, spec, chosen.departments if chosen else None)
    return Board(
        review,
        spec,
        chosen,
        board_rows(review, spec, ids),
        paging,
        counts,
        shown,
        hidden,
        audit(review),
        _with_plan(ids),
    )
