"""The released results that feed a roll-up part (okr.domain.cycle_rollup), read set-based.

For a half-year or yearly cycle, a template family and the people of a review: every released
appraisal of those people under that family in the cycles that fall within the longer cycle,
in one query for the whole review. Each comes with its cycle's label, its department rank and
its rank in its whole review (a window over the review's released results, so a company-rank
outcome rule is decided as on the monthly appraisal page), and the keys of the outcome rules
that applied to it. (A person has at most one appraisal in a
cycle: opening a review leaves out whoever the cycle already appraises.)

`refresh_rollup_sources` stores what was read with each open appraisal of a roll-up review
(appraisal.rollup_sources): when the review is opened, when HR reads the earlier cycles again
(`refreshing`, a chunk at a time in a job for a big review) and when it is finalized, so the
frozen result says which months fed it; review.rollups_read_at says when the last read was.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Over, Select, func, select

from okr.cycles.models import Cycle
from okr.db import utcnow
from okr.domain.cycle_rollup import CycleResult
from okr.extensions import db
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.outcome_results import outcomes_of
from okr.reviews.queries import inputs_of, live
from okr.reviews.rollup_parts import source_data
from okr.schemes.format import TemplateSpec, parse


def _within(period: Cycle, family: str):  # type: ignore[no-untyped-def]
    """The released results under `family` in the cycles within `period` (a statement's where)."""
    return (
        ReviewTemplate.family == family,
        Cycle.start >= period.start,
        Cycle.end <= period.end,
        Cycle.id != period.id,
        Appraisal.released_at.is_not(None),
        Appraisal.composite.is_not(None),
    )


def company_rank() -> Over:  # type: ignore[type-arg]
    """A result's rank among its review's results by composite, ties sharing a rank."""
    return func.rank().over(partition_by=Appraisal.review_id, order_by=Appraisal.composite.desc())


def rolled_results(
    period: Cycle, family: str, person_ids: Sequence[int]
) -> dict[int, list[CycleResult]]:
    """Per person (every id given, possibly with no result), their results oldest cycle first."""
    ranked = (
        select(
            Appraisal.id.label("appraisal_id"),
            company_rank().label("company_rank"),
        )
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .where(*_within(period, family))
        .subquery()
    )
    rows = db.session.execute(
        select(Appraisal, Cycle.label, ReviewTemplate, ranked.c.company_rank)
        .join(ranked, ranked.c.appraisal_id == Appraisal.id)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .where(Appraisal.person_id.in_(list(person_ids)))
        .order_by(Cycle.start, Cycle.id, Review.id)
    ).all()
    results: dict[int, list[CycleResult]] = {pid: [] for pid in person_ids}
    specs: dict[int, TemplateSpec] = {}  # each monthly template version parsed once
    for appraisal, label, template, company in rows:
        spec = specs.get(template.id) or specs.setdefault(template.id, parse(template.spec))
        grade = appraisal.final_grade or appraisal.grade
        found = outcomes_of(spec, appraisal, appraisal.composite, grade, int(company))
        applied = frozenset(o.rule.key for o in found if not o.pending)
        results[appraisal.person_id].append(
            CycleResult(label, appraisal.composite, applied, appraisal.rank)
        )
    return results


def refresh_rollup_sources(review: Review, spec: TemplateSpec) -> int:
    """Read what feeds the roll-up parts for every open appraisal of the review and store it.

    One query per roll-up part for the whole review (never one per appraisal), then the live
    composite and grade of each open appraisal are recomputed from its inputs (three queries
    for all). Finalized appraisals keep what they froze. Returns how many were refreshed.
    """
    if not spec.domain.rollups:
        return 0
    appraisals = list(db.session.scalars(_open_appraisals(review).order_by(Appraisal.id)))
    done = _refresh(review, spec, appraisals)
    review.rollups_read_at = utcnow()
    db.session.flush()
    return done


def refreshing(review: Review, spec: TemplateSpec, chunk: int) -> Iterator[int]:
    """The same read a chunk of open appraisals at a time (a job commits between them): yields
    how many each chunk refreshed, and stamps the review when the last one is done."""
    ids = list(db.session.scalars(_open_appraisals(review, Appraisal.id).order_by(Appraisal.id)))
    for first in range(0, len(ids), chunk):
        part = ids[first : first + chunk]
        found = db.session.scalars(
            _open_appraisals(review).where(Appraisal.id.in_(part)).order_by(Appraisal.id)
        )
        yield _refresh(review, spec, list(found))
    review.rollups_read_at = utcnow()
    db.session.flush()


def _open_appraisals(review: Review, *columns: Any) -> Select[Any]:
    """The review's appraisals not finalized yet (whole rows, or the columns given)."""
    return select(*(columns or (Appraisal,))).where(
        Appraisal.review_id == review.id, Appraisal.finalized_at.is_(None)
    )


def _refresh(review: Review, spec: TemplateSpec, appraisals: list[Appraisal]) -> int:
    """Store the roll-up sources and the live result of these open appraisals."""
    if not appraisals or not spec.domain.rollups:
        return 0
    period = db.session.get(Cycle, review.cycle_id)
    assert period is not None
    people = [a.person_id for a in appraisals]
    read = {
        key: rolled_results(period, rollup.family, people)
        for key, rollup in spec.domain.rollups.items()
    }
    inputs = inputs_of(review, appraisals)
    for appraisal in appraisals:  # written only where something changed (each save is versioned)
        sources = {
            key: [source_data(r) for r in found[appraisal.person_id]] for key, found in read.items()
        }
        if sources != appraisal.rollup_sources:
            appraisal.rollup_sources = sources
        result = live(spec, appraisal, inputs[appraisal.id]).result
        composite, grade = (result.composite, result.grade) if result else (None, None)
        if (composite, grade) != (appraisal.composite, appraisal.grade):
            appraisal.composite, appraisal.grade = composite, grade
    db.session.flush()
    return len(appraisals)
