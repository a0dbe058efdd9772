"""An appraisal's scores: gather its inputs, compute with the domain core, explain, freeze.

Parts: the person's OKR score for the cycle (weighted objective progress), the peer score (mean
of submitted raters, shown under anonymous labels), the interview and self ratings on the
template's criteria, the template's own sections from the indicator values entered
(okr.domain.scorecard: a section with an indicator not entered is missing, never 0); then the
cycle's bonuses and deductions: the template's kinds (and free-form points where it allows
them) within its caps, where it has them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from okr.domain.composite import Adjustment as DomainAdjustment
from okr.domain.composite import CompositeResult, composite
from okr.domain.cycle_rollup import RollupResult
from okr.domain.errors import DomainError, InvalidAdjustment
from okr.domain.outcomes import Outcome
from okr.domain.ratings import criteria_score, peer_score
from okr.domain.rollup import WeightedValue, okr_score
from okr.domain.steps import Step, steps_from_data, steps_to_data
from okr.domain.template import Part
from okr.objectives.models import Adjustment, Objective
from okr.reviews.kr_indicators import Links
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.parts import PartResult
from okr.reviews.rollup_parts import rollup_parts, stored_results
from okr.reviews.sections import SectionValues, own_sections
from okr.schemes.format import TemplateSpec

"""Indicator values by section key, then indicator key (None or "": not entered)."""


@dataclass
class Breakdown:
    parts: dict[str, PartResult]
    result: CompositeResult | None
    steps: tuple[Step, ...]
    problems: list[Step] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)  # 奖惩 that apply (okr.domain.outcomes)

    @property
    def complete(self) -> bool:
        return self.result is not None and self.result.complete

    def to_data(self) -> dict[str, Any]:
        """What a finalized appraisal stores: every figure and every step, as exact text."""
        r = self.result
        return {
            "parts": {
                p.part: {
                    "weight": str(p.weight),
                    "fraction": None if p.fraction is None else str(p.fraction),
                    "points": str(r.part_points[p.part]) if r and p.part in r.part_points else None,
                }
                for p in self.parts.values()
            },
            "weighted_sum": None if not r or r.weighted_sum is None else str(r.weighted_sum),
            "adjustments": None if not r else str(r.adjustments.net),
            "composite": None if not r or r.composite is None else str(r.composite),
            "grade": r.grade if r else None,
            "complete": self.complete,
            "steps": steps_to_data(self.steps),
        }


def kr_part(objectives: list[Objective]) -> PartResult:
    """The person's OKR score: weighted mean of their objectives' progress in the cycle."""
    if not objectives:
        return PartResult("kr", Decimal(0), None, (), Step.of("review.no_objectives"))
    unscored = [o.title for o in objectives if o.progress is None]
    if unscored:
        return PartResult(
            "kr",
            Decimal(0),
            None,
            (),
            Step.of("review.objective_unscored", titles="、".join(unscored)),
        )
    try:
        result = okr_score([WeightedValue.of(o.title, o.progress, o.weight) for o in objectives])
    except DomainError as exc:
        return PartResult("kr", Decimal(0), None, (), Step.of(exc.code, **exc.params))
    return PartResult("kr", Decimal(0), result.value, result.steps)


def anonymous_label(form: PeerForm) -> str:
    """A stable label for a rater that does not reveal who it is (nor the assignment order)."""
    digest = hashlib.sha256(f"{form.appraisal_id}:{form.id}:peer".encode()).hexdigest()
    return digest[:6]


def qualitative_part(spec: TemplateSpec, part: str, ratings: dict[str, str]) -> PartResult:
    """A part rated on the template's criteria; unrated criteria leave it missing, never zero."""
    criteria = spec.domain.criteria.get(Part(part), ())
    if not ratings:
        return PartResult(part, Decimal(0), None, (), Step.of("review.not_rated", part=part))
    try:
        score = criteria_score(criteria, {k: v for k, v in ratings.items() if v not in ("", None)})
    except DomainError as exc:
        return PartResult(part, Decimal(0), None, (), Step.of(exc.code, **exc.params))
    if score.fraction is None:
        return PartResult(
            part, Decimal(0), None, score.steps, Step.of("review.not_rated", part=part)
        )
    return PartResult(part, Decimal(0), score.fraction, score.steps)


def peer_part(spec: TemplateSpec, appraisal: Appraisal, forms: list[PeerForm]) -> PartResult:
    """Mean over the raters who submitted, under anonymous labels; fewer than the minimum -> missing."""
    criteria = spec.domain.criteria.get(Part.PEER, ())
    submitted = sorted((f for f in forms if f.submitted_at is not None), key=anonymous_label)
    sheets = {
        anonymous_label(f): dict(f.ratings) for f in submitted if f.rater_id != appraisal.person_id
    }
    try:
        score = peer_score(
            criteria, sheets, f"person-{appraisal.person_id}", spec.domain.min_peer_raters
        )
    except DomainError as exc:
        return PartResult("peer", Decimal(0), None, (), Step.of(exc.code, **exc.params))
    reason = (
        None
        if score.fraction is not None
        else Step.of(
            "peer.too_few_raters",
            count=len(score.counted_raters),
            minimum=spec.domain.min_peer_raters,
        )
    )
    return PartResult("peer", Decimal(0), score.fraction, score.steps, reason)


def _adjustments(spec: TemplateSpec, rows: list[Adjustment]) -> list[DomainAdjustment]:
    """The cycle's bonuses and deductions as the template scores them: a row with a kind is
    `count` occurrences of it (a ranged kind's with each one's points as recorded), a row
    without one is free-form points under its reason and id (counted only where the template
    allows them)."""
    found: list[DomainAdjustment] = []
    for row in rows:
        if row.streak_action_id is not None:  # a streak rule's points (okr.flags.carry)
            reason = f"{row.reason} (#{row.id})"
            found.append(DomainAdjustment(reason, points=row.points, carried=True))
            continue
        if row.kind is None:
            found.append(DomainAdjustment.free_form(f"{row.reason} (#{row.id})", row.points))
            continue
        kind = spec.domain.adjustment_kind(row.kind)
        each = row.points / row.count if kind is not None and kind.is_ranged else None
        found.append(DomainAdjustment(row.kind, row.count, points=each))
    return found


def compute(
    spec: TemplateSpec,
    appraisal: Appraisal,
    objectives: list[Objective],
    forms: list[PeerForm],
    adjustments: list[Adjustment],
    *,
    interview_ratings: dict[str, str] | None = None,
    indicator_values: SectionValues | None = None,
    links: Links | None = None,
) -> Breakdown:
    """Every part, the composite and the grade with the whole derivation (nothing stored).

    `interview_ratings` and `indicator_values` stand in for the stored ones, to show what
    typed ratings and values would give. `links` are the person's key results linked to
    indicators (okr.reviews.kr_indicators), read for this appraisal when not given.
    """
    if interview_ratings is None:
        interview_ratings = dict(appraisal.interview_ratings or {})
    parts = _parts(spec, appraisal, objectives, forms, interview_ratings)
    fractions = {Part(p.part): (p.fraction if p.weight > 0 else None) for p in parts.values()}
    values = appraisal.indicator_values or {} if indicator_values is None else indicator_values
    own, points = own_sections(spec, appraisal, values, links)
    parts.update(own)
    rolled_parts, rolled = rollup_parts(spec, stored_results(appraisal.rollup_sources or {}))
    parts.update(rolled_parts)
    problems = _missing(parts)
    result, refused = _composite(
        spec, appraisal, fractions, points, adjustments, interview_ratings, rolled
    )
    if refused is not None:
        problems.append(refused)
    steps = [step for item in parts.values() if item.weight > 0 for step in item.steps]
    steps.extend(problems)
    if result is not None:
        steps.extend(result.steps)
    return Breakdown(parts, result, tuple(steps), problems)


def _missing(parts: dict[str, PartResult]) -> list[Step]:
    """Why each part that counts has no fraction yet."""
    return [
        p.missing_reason
        for p in parts.values()
        if p.weight > 0 and p.fraction is None and p.missing_reason
    ]


def _composite(
    spec: TemplateSpec,
    appraisal: Appraisal,
    fractions: dict[Part, Decimal | None],
    points: dict[str, Decimal | None],
    adjustments: list[Adjustment],
    interview_ratings: dict[str, str],
    rolled: dict[str, RollupResult],
) -> tuple[CompositeResult | None, Step | None]:
    """The composite, or why there is none: a bonus or deduction the template cannot score
    (free-form points recorded before the template stopped allowing them, a kind it no
    longer has) leaves it out until it is resolved."""
    ratings = {"interview": interview_ratings, "self": dict(appraisal.self_ratings or {})}
    try:
        found = composite(
            spec.domain, fractions, _adjustments(spec, adjustments), ratings, points, rolled
        )
    except InvalidAdjustment as exc:
        return None, Step.of(exc.code, **exc.params)
    return found, None


def _parts(
    spec: TemplateSpec,
    appraisal: Appraisal,
    objectives: list[Objective],
    forms: list[PeerForm],
    interview_ratings: dict[str, str],
) -> dict[str, PartResult]:
    """Each part with the template's weight; the key-result part capped at the attainment cap."""
    parts = {
        "kr": kr_part(objectives),
        "peer": peer_part(spec, appraisal, forms),
        "interview": qualitative_part(spec, "interview", interview_ratings),
        "self": qualitative_part(spec, "self", dict(appraisal.self_ratings or {})),
    }
    for name, item in parts.items():
        item.weight = spec.domain.weight(Part(name))
        if (
            item.part == "kr"
            and item.fraction is not None
            and item.fraction > spec.domain.attainment_cap
        ):
            item.fraction = spec.domain.attainment_cap
    return parts


def frozen_steps(appraisal: Appraisal) -> tuple[Step, ...]:
    """The derivation stored when the appraisal was finalized."""
    return steps_from_data((appraisal.result or {}).get("steps", []))
