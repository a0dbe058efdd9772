"""Review templates: parts and their weights, rating criteria and scales, grade bands.

* Parts (``Part``): kr (OKR attainment), peer, interview (manager's one-on-one), self, and
  the template's own sections of indicators (okr.domain.scorecard). Part weights are percents
  that must sum to exactly 100; a part may weigh 0 (not counted). A points template
  (``points``) gives each part its max points instead, summing to the total scale, a section's
  being the sum of its indicators': the composite is then the exact sum of the points.
* Each qualitative part (peer, interview, self) that weighs more than 0 has criteria whose
  weights sum to 100, each rated on its own ``Scale`` (1..5 stars, 0..100, ...).
* The composite is expressed on ``total_scale`` points (100 by default, 120 in one seed).
* Grade bands (okr.domain.grades), optionally requiring ratings (okr.domain.band_conditions).
* Adjustments: kinds with signed points per occurrence, fixed (a typo -0.5) or chosen in a
  range when recorded (a major error -1 to -5); total bonus and total deduction are each capped
  by ``bonus_cap`` / ``deduction_cap`` only where the scheme says so (None = no cap). Points
  outside the kinds (a reason and any points) count only where the template allows them
  (``free_form``).
* Roll-up parts (``rollups``, okr.domain.cycle_rollup): a half-year or yearly part taken from
  the released composites of shorter cycles under another template family, with the year-end
  bonuses the scheme gives per cycle. Its weight is its max points in a points template, a
  percent of its value otherwise (the composite counts value × weight ÷ 100).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from okr.domain.adjustment_kinds import AdjustmentKind, validate_kind
from okr.domain.band_conditions import validate_condition
from okr.domain.cycle_rollup import CycleRollup, validate_rollup
from okr.domain.errors import InvalidTemplate
from okr.domain.grades import DEFAULT_BANDS, GradeBand, validate_bands
from okr.domain.numbers import HUNDRED, ONE, ZERO, Number, fmt, to_decimal, to_decimal_or_none
from okr.domain.outcomes import OutcomeRule, validate_outcomes
from okr.domain.scorecard import Section, validate_section
from okr.domain.steps import join_terms
from okr.domain.streaks import StreakRule, validate_streaks
from okr.domain.weights import check_weights


class Part(StrEnum):
    """A scored part of an appraisal."""

    KR = "kr"
    PEER = "peer"
    INTERVIEW = "interview"
    SELF = "self"


QUALITATIVE_PARTS = (Part.PEER, Part.INTERVIEW, Part.SELF)


def as_part(key: str) -> Part:
    """The Part named by a key such as 'peer'; unknown names are refused."""
    try:
        return Part(key)
    except ValueError:
        raise InvalidTemplate("template.unknown_part", {"part": str(key)}) from None


@dataclass(frozen=True)
class Scale:
    """A rating scale from `min` (worst) to `max` (best), e.g. 1..5 stars or 0..100."""

    min: Decimal
    max: Decimal

    @classmethod
    def of(cls, low: Number, high: Number) -> Scale:
        """Build from user values."""
        return cls(to_decimal(low), to_decimal(high))


STARS = Scale(Decimal(1), Decimal(5))
PERCENT = Scale(ZERO, HUNDRED)


@dataclass(frozen=True)
class Criterion:
    """One rated criterion of a part, with its weight in percent and its scale."""

    key: str
    weight: Decimal
    scale: Scale = STARS

    @classmethod
    def of(cls, key: str, weight: Number, scale: Scale = STARS) -> Criterion:
        """Build from user values."""
        return cls(key, to_decimal(weight), scale)


@dataclass(frozen=True)
class ReviewTemplate:
    """How an appraisal is scored; validated on construction (invalid templates cannot exist)."""

    part_weights: Mapping[Part, Decimal]
    criteria: Mapping[Part, tuple[Criterion, ...]] = field(default_factory=dict)
    bands: tuple[GradeBand, ...] = DEFAULT_BANDS
    total_scale: Decimal = HUNDRED
    adjustment_kinds: tuple[AdjustmentKind, ...] = ()
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None
    improvement_plan_grades: frozenset[str] = frozenset()
    min_peer_raters: int = 1
    attainment_cap: Decimal = ONE
    free_form: bool = False
    points: bool = False  # the composite is the exact sum of points, not a weighted sum
    sections: tuple[Section, ...] = ()
    outcomes: tuple[OutcomeRule, ...] = ()  # 奖惩 (okr.domain.outcomes)
    streaks: tuple[StreakRule, ...] = ()  # runs of cycles and what follows (okr.domain.streaks)
    rollups: Mapping[str, CycleRollup] = field(default_factory=dict)  # part key -> roll-up

    def __post_init__(self) -> None:
        object.__setattr__(self, "rollups", dict(self.rollups))
        own = {s.key for s in self.sections} | set(self.rollups)
        weights = {k if k in own else as_part(k): v for k, v in self.part_weights.items()}
        object.__setattr__(self, "part_weights", weights)
        criteria = {as_part(k): tuple(v) for k, v in self.criteria.items()}
        object.__setattr__(self, "criteria", criteria)
        object.__setattr__(self, "bands", validate_bands(self.bands))
        _validate(self)

    @classmethod
    def of(
        cls,
        parts: Mapping[str, Number],
        criteria: Mapping[str, Sequence[Criterion]] | None = None,
        bands: Sequence[GradeBand] = DEFAULT_BANDS,
        total_scale: Number = HUNDRED,
        adjustment_kinds: Sequence[AdjustmentKind] = (),
        bonus_cap: Number | None = None,
        deduction_cap: Number | None = None,
        improvement_plan_grades: Sequence[str] = (),
        min_peer_raters: int = 1,
        attainment_cap: Number = ONE,
        free_form: bool = False,
        points: bool = False,
        sections: Sequence[Section] = (),
        outcomes: Sequence[OutcomeRule] = (),
        streaks: Sequence[StreakRule] = (),
        rollups: Mapping[str, CycleRollup] | None = None,
    ) -> ReviewTemplate:
        """Build and validate a template from user values."""
        return cls(
            {k: to_decimal(v) for k, v in parts.items()},
            {as_part(k): tuple(v) for k, v in (criteria or {}).items()},
            tuple(bands),
            to_decimal(total_scale),
            tuple(adjustment_kinds),
            to_decimal_or_none(bonus_cap),
            to_decimal_or_none(deduction_cap),
            frozenset(improvement_plan_grades),
            min_peer_raters,
            to_decimal(attainment_cap),
            free_form,
            points,
            tuple(sections),
            tuple(outcomes),
            tuple(streaks),
            dict(rollups or {}),
        )

    def weight(self, part: Part | str) -> Decimal:
        """A part's weight: percent, or its max points in a points template (0 when left out)."""
        return self.part_weights.get(part, ZERO)  # type: ignore[call-overload]

    @property
    def part_keys(self) -> tuple[str, ...]:
        """The built-in parts, then the template's own sections, then its roll-up parts."""
        return (*Part, *(s.key for s in self.sections), *self.rollups)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def adjustment_kind(self, key: str) -> AdjustmentKind | None:
        """The adjustment kind with this key, if the template allows it."""
        return next((k for k in self.adjustment_kinds if k.key == key), None)


def validate_criteria(part: Part | str, criteria: Sequence[Criterion]) -> None:
    """Criteria keys are unique, scales run upward and weights sum to 100."""
    keys: set[str] = set()
    for criterion in criteria:
        if criterion.key in keys:
            raise InvalidTemplate(
                "template.duplicate_criterion", {"part": str(part), "key": criterion.key}
            )
        keys.add(criterion.key)
        if criterion.scale.min >= criterion.scale.max:
            raise InvalidTemplate(
                "template.scale_invalid",
                {
                    "key": criterion.key,
                    "min": fmt(criterion.scale.min),
                    "max": fmt(criterion.scale.max),
                },
            )
    check_weights([c.weight for c in criteria], HUNDRED, scope=f"criteria.{part}")


def _validate_parts(t: ReviewTemplate) -> None:
    """Weights summing to 100, or in a points template maxima summing to the scale, each
    section's the sum of its indicators' (so "用户满意度 20 分" is what its indicators add up to)."""
    keys = [s.key for s in t.sections]
    for section in t.sections:
        if keys.count(section.key) > 1 or section.key in Part.__members__.values():
            raise InvalidTemplate("section.duplicate", {"section": section.key})
        validate_section(section)
        if t.points and t.weight(section.key) != section.max_points:
            raise InvalidTemplate(
                "section.max_mismatch",
                {
                    "section": section.key,
                    "points": fmt(t.weight(section.key)),
                    "max": fmt(section.max_points),
                },
            )
    for key, rollup in t.rollups.items():
        if key in keys or key in Part.__members__.values():
            raise InvalidTemplate("section.duplicate", {"section": key})
        validate_rollup(rollup)
    if not t.points:
        check_weights(list(t.part_weights.values()), HUNDRED, scope="parts")
        return
    maxima = list(t.part_weights.values())
    if any(v < 0 for v in maxima) or sum(maxima, ZERO) != t.total_scale:
        raise InvalidTemplate(
            "template.points_do_not_sum",
            {
                "points": join_terms(maxima) or "0",
                "sum": fmt(sum(maxima, ZERO)),
                "scale": fmt(t.total_scale),
            },
        )


def _validate(t: ReviewTemplate) -> None:
    _validate_parts(t)
    if t.criteria.get(Part.KR):
        raise InvalidTemplate("template.kr_has_criteria")
    for band in t.bands:
        if band.condition is not None:
            rated = t.criteria.get(band.condition.part, ())  # type: ignore[call-overload]
            scales = [(c.scale.min, c.scale.max) for c in rated]
            validate_condition(band.label, band.condition, scales)
    for part in QUALITATIVE_PARTS:
        criteria = t.criteria.get(part, ())
        if t.weight(part) > 0 and not criteria:
            raise InvalidTemplate("template.criteria_missing", {"part": str(part)})
        if criteria:
            validate_criteria(part, criteria)
    if t.total_scale <= 0:
        raise InvalidTemplate("template.scale_not_positive", {"scale": fmt(t.total_scale)})
    keys = [k.key for k in t.adjustment_kinds]
    for kind in t.adjustment_kinds:
        if keys.count(kind.key) > 1:
            raise InvalidTemplate("template.duplicate_adjustment", {"key": kind.key})
        validate_kind(kind)
    for name, cap in (("bonus", t.bonus_cap), ("deduction", t.deduction_cap)):
        if cap is not None and cap < 0:
            raise InvalidTemplate("template.cap_negative", {"which": name, "cap": fmt(cap)})
    labels = {b.label for b in t.bands}
    indicators = {f"{s.key}.{i.key}" for s in t.sections for i in s.indicators}
    validate_outcomes(t.outcomes, sorted(labels), indicators)
    validate_streaks(t.streaks, sorted(labels), [o.key for o in t.outcomes])
    for label in sorted(t.improvement_plan_grades - labels):
        raise InvalidTemplate("template.unknown_grade", {"label": label})
    if t.min_peer_raters < 1:
        raise InvalidTemplate("template.min_raters", {"minimum": str(t.min_peer_raters)})
    if t.attainment_cap < ONE:
        raise InvalidTemplate("attain.cap_below_one", {"cap": fmt(t.attainment_cap)})
