"""Calibration: grade distribution against the quotas, the list by composite, rater leniency.

* Distribution: per department (the department each person sat in when the review opened)
  and company-wide.  The group is everyone appraised in it; the counts are final grades, so
  people not finalized yet count in the group size (the quota is a share of the whole
  department) but hold no grade.  Quota maths: okr.domain.calibration.check_quotas.
* The list: every appraisal by composite, highest first; finalized ones show their frozen
  derivation, open ones the live one and, when incomplete, what is missing.
* Leniency: each manager's mean interview part (0..1 on the template's criteria) beside the
  company mean over every rated interview; a manager more than LENIENCY_MARGIN away is marked.
* Ranks: inside each department, competition ranking on the composite as shown (2 decimals)
  (okr.calibration.results.department_ranks; the ranking lists are okr.rankings.queries).
Calibration never edits inputs: only final grades change, each change audited (finalizing and
overrides are okr.calibration.results).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from okr.calibration.live import live_breakdowns
from okr.domain.calibration import check_quotas
from okr.domain.weights import plain_mean
from okr.explain import Glossary, describe_steps
from okr.extensions import db
from okr.org.models import Department, Person
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementPlan,
    Review,
)
from okr.reviews.scoring import Breakdown
from okr.schemes.format import TemplateSpec, counted_parts

LENIENCY_MARGIN = Decimal("0.1")
SCORE_PLACES = 2


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
class QuotaCell:
    label: str
    count: int
    allowed: int | None  # None: the grade has no quota
    exceeded: bool


@dataclass
class Distribution:
    """Final grades of one group (a department, or the company when `department` is None)."""

    department: Department | None
    size: int
    finalized: int
    cells: list[QuotaCell]

    @property
    def exceeded(self) -> bool:
        return any(c.exceeded for c in self.cells)


@dataclass
class Leniency:
    manager: Person | None
    rated: int
    mean: Decimal | None
    difference: Decimal | None
    lean: str  # lenient | harsh | ""


@dataclass
class Board:
    review: Review
    spec: TemplateSpec
    rows: list[Row]
    distributions: list[Distribution]
    changes: list[tuple[CalibrationChange, str]]
    leniency: list[Leniency]
    company_mean: Decimal | None
    with_plan: set[int] = field(default_factory=set)  # appraisal ids that have a plan

    @property
    def counted_parts(self) -> list[str]:
        return counted_parts(self.spec)

    @property
    def incomplete(self) -> list[Row]:
        return [r for r in self.rows if not r.finalized and not r.complete]

    @property
    def ready(self) -> int:
        return sum(1 for r in self.rows if not r.finalized and r.complete)

    @property
    def pending_release(self) -> int:
        return sum(1 for r in self.rows if r.finalized and r.appraisal.released_at is None)


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
    points = {p.value: v for p, v in r.part_points.items()} if r else {}
    return Row(
        appraisal,
        points,
        r.composite if r else None,
        live.complete,
        describe_steps(live.problems, words),
    )


def _by_composite(row: Row) -> tuple[bool, Decimal, str]:
    return (row.composite is None, -(row.composite or Decimal(0)), row.appraisal.person.name)


def distributions(rows: list[Row], spec: TemplateSpec) -> list[Distribution]:
    """Company first, then each department by name: final grades against the quotas."""
    groups: dict[int | None, list[Row]] = defaultdict(list)
    for row in rows:
        groups[None].append(row)
        groups[row.appraisal.department_id].append(row)
    labels = spec.band_labels()
    result = []
    for key, members in groups.items():
        grades = [r.appraisal.final_grade or "" for r in members if r.finalized]
        grades += [""] * (len(members) - len(grades))
        quota = {line.label: line for line in check_quotas(grades, spec.quotas).lines}
        counts = Counter(grades)
        cells = [
            QuotaCell(
                label,
                counts[label],
                quota[label].allowed if label in quota else None,
                label in quota and quota[label].exceeded,
            )
            for label in labels
        ]
        department = None if key is None else members[0].appraisal.department
        finalized = sum(1 for r in members if r.finalized)
        result.append(Distribution(department, len(members), finalized, cells))
    return sorted(
        result, key=lambda d: (d.department is not None, d.department and d.department.name)
    )


def _interview_fraction(row: Row, live: Breakdown | None) -> Decimal | None:
    if row.finalized:
        fraction = ((row.appraisal.result or {}).get("parts", {}).get("interview") or {}).get(
            "fraction"
        )
        return None if fraction is None else Decimal(fraction)
    return live.parts["interview"].fraction if live else None


def leniency(rows: list[Row], live: dict[int, Breakdown]) -> tuple[list[Leniency], Decimal | None]:
    """Each manager's mean interview part beside the company mean (both 0..1)."""
    by_manager: dict[int | None, list[Decimal]] = defaultdict(list)
    managers: dict[int | None, Person | None] = {}
    everyone: list[Decimal] = []
    for row in rows:
        fraction = _interview_fraction(row, live.get(row.appraisal.id))
        if fraction is None:
            continue
        by_manager[row.appraisal.manager_id].append(fraction)
        managers[row.appraisal.manager_id] = row.appraisal.manager
        everyone.append(fraction)
    company = plain_mean(everyone).value
    lines = []
    for key, values in by_manager.items():
        mean = plain_mean(values).value
        difference = None if mean is None or company is None else mean - company
        lean = ""
        if difference is not None and difference > LENIENCY_MARGIN:
            lean = "lenient"
        elif difference is not None and difference < -LENIENCY_MARGIN:
            lean = "harsh"
        lines.append(Leniency(managers[key], len(values), mean, difference, lean))
    lines.sort(key=lambda line: -(line.difference or Decimal(0)))
    return lines, company


def audit(review: Review) -> list[tuple[CalibrationChange, str]]:
    """Every grade override in the review, newest first, with whose grade it was."""
    rows = db.session.execute(
        select(CalibrationChange, Person.name)
        .join(Appraisal, Appraisal.id == CalibrationChange.appraisal_id)
        .join(Person, Person.id == Appraisal.person_id)
        .where(Appraisal.review_id == review.id)
        .options(joinedload(CalibrationChange.actor))
        .order_by(CalibrationChange.at.desc(), CalibrationChange.id.desc())
    ).all()
    return [(change, name) for change, name in rows]


def calibration_board(review: Review, spec: TemplateSpec) -> Board:
    """Everything the calibration page shows, in a fixed number of queries."""
    appraisals = load_appraisals(select(Appraisal).where(Appraisal.review_id == review.id))
    live = live_breakdowns(review, spec, appraisals)
    words = spec.glossary()
    rows = sorted((_row(a, live.get(a.id), words) for a in appraisals), key=_by_composite)
    lines, company = leniency(rows, live)
    with_plan = set(
        db.session.scalars(
            select(ImprovementPlan.appraisal_id)
            .join(Appraisal, Appraisal.id == ImprovementPlan.appraisal_id)
            .where(Appraisal.review_id == review.id)
        )
    )
    changes = audit(review)
    return Board(review, spec, rows, distributions(rows, spec), changes, lines, company, with_plan)
