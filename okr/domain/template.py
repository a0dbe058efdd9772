"""Review templates: parts and their weights, rating criteria and scales, grade bands.

* Parts (``Part``): kr (OKR attainment), peer, interview (manager's one-on-one), self.
  Part weights are percents that must sum to exactly 100; a part may weigh 0 (not counted).
* Each qualitative part (peer, interview, self) that weighs more than 0 has criteria whose
  weights sum to 100, each rated on its own ``Scale`` (1..5 stars, 0..100, ...).
* The composite is expressed on ``total_scale`` points (100 by default, 120 in one seed).
* Grade bands: a score gets the band with the highest threshold it reaches; a threshold is
  inclusive (``>= 90``) by default or exclusive (``> 90``, for "90 and below needs effort").
  Thresholds must be distinct and the lowest must cover 0, so every composite gets a grade.
  Labels are data (优秀/良好/合格/不合格, 一般, 需鼓励, ...).
* Adjustments: kinds with signed points per occurrence, fixed (a typo -0.5) or chosen in a
  range when recorded (a major error -1 to -5); total bonus and total deduction are each capped
  by ``bonus_cap`` / ``deduction_cap`` only where the scheme says so (None = no cap). Points
  outside the kinds (a reason and any points) count only where the template allows them
  (``free_form``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from okr.domain.adjustment_kinds import AdjustmentKind, validate_kind
from okr.domain.band_conditions import BandCondition, validate_condition
from okr.domain.errors import InvalidBands, InvalidScore, InvalidTemplate
from okr.domain.numbers import HUNDRED, ONE, ZERO, Number, fmt, to_decimal, to_decimal_or_none
from okr.domain.steps import Step
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
class GradeBand:
    """A grade label reached from `min_score` (inclusive unless `min_inclusive` is False), and
    by the ratings `condition` asks for, if any (okr.domain.band_conditions)."""

    label: str
    min_score: Decimal
    min_inclusive: bool = True
    condition: BandCondition | None = None

    @classmethod
    def of(
        cls,
        label: str,
        min_score: Number,
        *,
        inclusive: bool = True,
        condition: BandCondition | None = None,
    ) -> GradeBand:
        """Build from user values."""
        return cls(label, to_decimal(min_score), inclusive, condition)

    def admits(self, score: Decimal) -> bool:
        """Whether the score reaches this band's threshold."""
        return score >= self.min_score if self.min_inclusive else score > self.min_score


DEFAULT_BANDS = (
    GradeBand("优秀", Decimal(90)),
    GradeBand("良好", Decimal(80)),
    GradeBand("合格", Decimal(60)),
    GradeBand("不合格", ZERO),
)


def validate_bands(bands: Sequence[GradeBand]) -> tuple[GradeBand, ...]:
    """Bands need distinct labels and thresholds and a lowest band covering 0; sorted high first."""
    if not bands:
        raise InvalidBands("bands.empty")
    seen_labels: set[str] = set()
    seen_scores: set[Decimal] = set()
    for band in bands:
        if band.label in seen_labels:
            raise InvalidBands("bands.duplicate_label", {"label": band.label})
        if band.min_score in seen_scores:
            raise InvalidBands("bands.duplicate_threshold", {"threshold": fmt(band.min_score)})
        seen_labels.add(band.label)
        seen_scores.add(band.min_score)
    ordered = tuple(sorted(bands, key=lambda b: b.min_score, reverse=True))
    lowest = ordered[-1]
    if lowest.min_score > 0 or (lowest.min_score == 0 and not lowest.min_inclusive):
        raise InvalidBands(
            "bands.no_floor", {"label": lowest.label, "lowest": fmt(lowest.min_score)}
        )
    if lowest.condition is not None:  # every composite must get a grade
        raise InvalidBands("bands.floor_condition", {"label": lowest.label})
    return ordered


@dataclass(frozen=True)
class GradeResult:
    """The grade band a score falls in, with the step that says why."""

    label: str
    band: GradeBand
    steps: tuple[Step, ...]


def grade_for(
    bands: Sequence[GradeBand],
    score: Number,
    ratings: Mapping[str, Mapping[str, Decimal]] | None = None,
    criteria: Mapping[str, Sequence[str]] | None = None,
) -> GradeResult:
    """The band with the highest threshold the score reaches (exactly 90 reaches '>= 90') whose
    condition the `ratings` (part -> criterion key -> rating) meet; `criteria` gives each part's
    criterion keys for the conditions."""
    value = to_decimal(score)
    steps: list[Step] = []
    for band in validate_bands(bands):
        if not band.admits(value):
            continue
        if band.condition is not None:
            part = band.condition.part
            met, step = band.condition.check(
                band.label, (criteria or {}).get(part, ()), (ratings or {}).get(part, {})
            )
            steps.append(step)
            if not met:
                continue
        code = "grade.band" if band.min_inclusive else "grade.band_exclusive"
        steps.append(Step.of(code, score=value, label=band.label, threshold=band.min_score))
        return GradeResult(band.label, band, tuple(steps))
    raise InvalidScore("grade.below_all_bands", {"score": fmt(value)})


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

    def __post_init__(self) -> None:
        weights = {as_part(k): v for k, v in self.part_weights.items()}
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
    ) -> ReviewTemplate:
        """Build and validate a template from user values."""
        return cls(
            {as_part(k): to_decimal(v) for k, v in parts.items()},
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
        )

    def weight(self, part: Part) -> Decimal:
        """A part's weight in percent (0 when the template leaves it out)."""
        return self.part_weights.get(part, ZERO)

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


def _validate(t: ReviewTemplate) -> None:
    check_weights(list(t.part_weights.values()), HUNDRED, scope="parts")
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
    for label in sorted(t.improvement_plan_grades - labels):
        raise InvalidTemplate("template.unknown_grade", {"label": label})
    if t.min_peer_raters < 1:
        raise InvalidTemplate("template.min_raters", {"minimum": str(t.min_peer_raters)})
    if t.attainment_cap < ONE:
        raise InvalidTemplate("attain.cap_below_one", {"cap": fmt(t.attainment_cap)})
