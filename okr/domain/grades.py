"""Grade bands (考核等级): a composite gets the band with the highest threshold it reaches.

A threshold is inclusive (``>= 90``) by default or exclusive (``> 90``, for "90 and below needs
effort"). Thresholds must be distinct and the lowest must cover 0, so every composite gets a
grade. Labels are data (优秀/良好/合格/不合格, 一般, 需鼓励, ...). A band may also require
ratings (okr.domain.band_conditions); the lowest never does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from okr.domain.band_conditions import BandCondition
from okr.domain.errors import InvalidBands, InvalidScore
from okr.domain.numbers import ZERO, Number, fmt, to_decimal
from okr.domain.steps import Step


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
