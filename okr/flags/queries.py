"""Flags: people with low results for N cycles in a row (seeds: three months under 90).

A person's history is their finalized appraisals ordered by cycle start; a cycle is low when
the composite is below the threshold (or at it, when inclusive) or the final grade is at or
below the chosen level.  "At or below" is read in each template that has the level: that
grade and every band under it.  The rule and the run are okr.domain.calibration.consecutive_low.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from okr.cycles.models import Cycle
from okr.domain.calibration import ConsecutiveLowRule, CycleOutcome, consecutive_low
from okr.explain import describe_steps
from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import spec_of
from okr.schemes.format import TemplateSpec

DEFAULT_CYCLES = 3
DEFAULT_BELOW = Decimal(90)


@dataclass(frozen=True)
class CycleResult:
    label: str
    start: date
    composite: Decimal | None
    grade: str | None
    appraisal_id: int


@dataclass
class Flag:
    person: Person
    streak: int
    run: list[CycleResult]  # the low cycles in a row, oldest first
    explanation: list[str]


def template_specs() -> dict[int, TemplateSpec]:
    """The templates of every review (one query)."""
    templates = db.session.scalars(
        select(ReviewTemplate).where(ReviewTemplate.id.in_(select(Review.template_id)))
    )
    return {t.id: spec_of(t) for t in templates}


def grade_levels(specs: dict[int, TemplateSpec]) -> list[str]:
    """Every grade label in use, best first as the templates order them."""
    seen: dict[str, Decimal] = {}
    for spec in specs.values():
        for band in spec.domain.bands:
            seen[band.label] = max(seen.get(band.label, band.min_score), band.min_score)
    return sorted(seen, key=lambda label: -seen[label])


def at_or_below(specs: dict[int, TemplateSpec], level: str) -> frozenset[str]:
    """The level and every grade under it, in each template that has the level."""
    labels: set[str] = set()
    for spec in specs.values():
        bands = spec.domain.bands  # highest first
        names = [b.label for b in bands]
        if level in names:
            labels.update(names[names.index(level) :])
    return frozenset(labels)


def flagged(
    specs: dict[int, TemplateSpec],
    cycles: int,
    below: Decimal | None,
    inclusive: bool,
    level: str | None,
) -> list[Flag]:
    """Active people whose newest `cycles` finalized results in a row are all low (one query).

    Longest runs first.
    """
    rule = ConsecutiveLowRule(
        cycles, below, inclusive, at_or_below(specs, level) if level else frozenset()
    )
    rows = db.session.execute(
        select(Appraisal, Cycle.label, Cycle.start)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .join(Person, Person.id == Appraisal.person_id)
        .where(Appraisal.finalized_at.is_not(None), Person.active)
        .options(joinedload(Appraisal.person).joinedload(Person.department))
        .order_by(Appraisal.person_id, Cycle.start, Appraisal.id)
    ).all()
    history: dict[int, list[CycleResult]] = defaultdict(list)
    people: dict[int, Person] = {}
    for appraisal, label, start in rows:
        people[appraisal.person_id] = appraisal.person
        history[appraisal.person_id].append(
            CycleResult(label, start, appraisal.composite, appraisal.final_grade, appraisal.id)
        )
    flags = []
    for person_id, results in history.items():
        verdict = consecutive_low([CycleOutcome(r.composite, r.grade) for r in results], rule)
        if verdict.flagged:
            run = results[len(results) - verdict.streak :]
            flags.append(
                Flag(people[person_id], verdict.streak, run, describe_steps(verdict.steps))
            )
    flags.sort(key=lambda f: (-f.streak, f.person.name))
    return flags
