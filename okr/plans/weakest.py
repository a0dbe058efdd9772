"""The weakest results an improvement plan is drafted from, and the figures its items get.

The key results furthest from their target, and the criteria rated lowest in the interview or
by peers (as a fraction of their scale), each with its figure now and a new target.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from okr.domain.numbers import quantity
from okr.domain.ratings import normalise
from okr.domain.template import Criterion, Part
from okr.domain.weights import plain_mean
from okr.labels import HOLD_KINDS, hold_edge, pct
from okr.objectives.models import KeyResult, Objective
from okr.reviews.models import Appraisal, PeerForm
from okr.schemes.format import TemplateSpec

WEAKEST_KRS = 3
WEAKEST_CRITERIA = 2
NUMERIC_TARGET_KINDS = frozenset({"increase", "decrease", "ratio", "at_least", "at_most"})


@dataclass(frozen=True)
class WeakCriterion:
    """A criterion rated low: its label, mean rating on its scale and that mean as 0..1."""

    part: str
    label: str
    criterion: Criterion
    mean: Decimal
    fraction: Decimal


def _value(value: Decimal | None, unit: str) -> str:
    return quantity(value, unit, empty="—")


def kr_figures(kr: KeyResult, step: Decimal | None) -> tuple[str, str]:
    """Current figure and new target: the KR's target, or `step` of the way there from now.

    A hold scored met or not met gets its target with its edge ("> 5%"): part of the way there
    would still score 0.
    """
    if kr.kind not in NUMERIC_TARGET_KINDS or kr.target is None:
        return pct(kr.progress), pct(Decimal(1))
    if kr.kind in HOLD_KINDS and kr.hold_scoring != "proportional":
        return _value(kr.current, kr.unit), hold_edge(kr.kind, kr.target, kr.unit, kr.hold_strict)
    target = kr.target
    if step is not None and kr.current is not None:
        target = kr.current + (kr.target - kr.current) * step
    return _value(kr.current, kr.unit), _value(target, kr.unit)


def weakest_key_results(objectives: list[Objective]) -> list[KeyResult]:
    """The key results furthest from their target (lowest progress first), not yet attained."""
    krs = [kr for o in objectives for kr in o.key_results if kr.weight > 0 and kr.progress < 1]
    return sorted(krs, key=lambda kr: (kr.progress, kr.position, kr.id))[:WEAKEST_KRS]


def weakest_criteria(
    spec: TemplateSpec, appraisal: Appraisal, forms: list[PeerForm]
) -> list[WeakCriterion]:
    """Criteria with the lowest interview rating or peer mean (on their scale), below the top."""
    sheets = {
        "interview": [dict(appraisal.interview_ratings or {})],
        "peer": [dict(f.ratings) for f in forms if f.submitted_at is not None],
    }
    found: list[WeakCriterion] = []
    for part, ratings in sheets.items():
        labels = spec.criterion_labels.get(part, {})
        for criterion in spec.domain.criteria.get(Part(part), ()):
            values = [r[criterion.key] for r in ratings if r.get(criterion.key) not in (None, "")]
            mean = plain_mean(values).value
            if mean is None:
                continue
            fraction = normalise(criterion, mean)
            if fraction < 1:
                label = labels.get(criterion.key, criterion.key)
                found.append(WeakCriterion(part, label, criterion, mean, fraction))
    return sorted(found, key=lambda c: (c.fraction, c.part, c.criterion.key))[:WEAKEST_CRITERIA]


def target_rating(weak: WeakCriterion) -> Decimal:
    """A quarter of the scale higher than now, in whole points, never above the top."""
    low, high = weak.criterion.scale.min, weak.criterion.scale.max
    raised = (weak.mean + (high - low) / 4).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(high, raised)
