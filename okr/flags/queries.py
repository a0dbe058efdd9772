"""Flags: people with low results for N cycles in a row (seeds: three months under 90).

A person's history is their finalized appraisals ordered by cycle start; a cycle is low when
the composite is below the threshold (or at it, when inclusive) or the final grade is at or
below the chosen level.  "At or below" is read in each template that has the level: that
grade and every band under it.  The rule and the run are okr.domain.calibration.consecutive_low.
The page lists one page of the flagged (okr.paging's page size), in a department's subtree
when one is chosen; the count is of everyone flagged. Who is flagged, and the total, are one
query (okr.flags.runs); only the page's people have their results read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from okr.cycles.models import Cycle
from okr.domain.calibration import ConsecutiveLowRule, CycleOutcome, consecutive_low
from okr.explain import describe_steps
from okr.extensions import db
from okr.flags.runs import Streak, flagged_count, streak_page
from okr.org.models import Person
from okr.paging import Paging
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


@dataclass
class FlagPage:
    flags: list[Flag]
    paging: Paging


def _in_cycle_order(stmt: Select[Any]) -> Select[Any]:
    return (
        stmt.join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .order_by(Appraisal.person_id, Cycle.start, Appraisal.id)
    )


def rule_of(
    specs: dict[int, TemplateSpec],
    cycles: int,
    below: Decimal | None,
    inclusive: bool,
    level: str | None,
) -> ConsecutiveLowRule:
    """The rule a page asks for; a grade level means that grade and every one under it."""
    return ConsecutiveLowRule(
        cycles, below, inclusive, at_or_below(specs, level) if level else frozenset()
    )


def _flags(found: list[Streak], rule: ConsecutiveLowRule) -> list[Flag]:
    """The flagged with their records, departments, runs and explanations (two queries, even
    for nobody: a page reads as many whatever it shows)."""
    ids = [s.person_id for s in found]
    history: dict[int, list[CycleResult]] = defaultdict(list)
    for row in db.session.execute(
        _in_cycle_order(
            select(
                Appraisal.person_id,
                Cycle.label,
                Cycle.start,
                Appraisal.composite,
                Appraisal.final_grade,
                Appraisal.id,
            )
        ).where(Appraisal.finalized_at.is_not(None), Appraisal.person_id.in_(ids))
    ):
        history[row[0]].append(CycleResult(*row[1:]))
    people = db.session.scalars(
        select(Person).where(Person.id.in_(ids)).options(joinedload(Person.department))
    )
    by_id = {p.id: p for p in people}
    flags = []
    for s in found:
        results = history[s.person_id]
        verdict = consecutive_low([CycleOutcome(r.composite, r.grade) for r in results], rule)
        run = results[len(results) - verdict.streak :]
        flags.append(Flag(by_id[s.person_id], verdict.streak, run, describe_steps(verdict.steps)))
    return flags


def flag_page(rule: ConsecutiveLowRule, departments: frozenset[int] | None, page: int) -> FlagPage:
    """One page of the flagged (longest runs first), with how many are flagged in all."""
    per_page = current_app.config["PAGE_SIZE"]
    number = max(page, 1)
    shown, total = streak_page(rule, departments, (number - 1) * per_page, per_page)
    if not shown and number > 1:  # past the end: show the last page
        total = flagged_count(rule, departments)
        number = max(-(-total // per_page), 1)
        shown, total = streak_page(rule, departments, (number - 1) * per_page, per_page)
    pages = max(-(-total // per_page), 1)
    return FlagPage(_flags(shown, rule), Paging(number, pages, total, per_page))


def flagged(
    specs: dict[int, TemplateSpec],
    cycles: int,
    below: Decimal | None,
    inclusive: bool,
    level: str | None,
) -> list[Flag]:
    """Everyone flagged by a rule, longest runs first (all of them, unpaged)."""
    rule = rule_of(specs, cycles, below, inclusive, level)
    return _flags(streak_page(rule, None, 0, None)[0], rule)
