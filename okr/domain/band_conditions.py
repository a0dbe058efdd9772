"""Conditions a grade band may set on the rated indicators besides the composite.

Seed 000 grades on the indicators, not only on the total: 优秀 is "在所有考核指标上均表现出色",
良好 "在大部分考核指标上表现出色", so 100/100/100/100/0 must not be 优秀 although it sums to 90.
A condition names a rated part with one sheet (the one-on-one interview or the self-assessment)
and asks that all its criteria, or at least N of them, are rated at or above a level on their
(shared) scale. A composite that reaches a band's threshold but not its condition falls to the
next band down, and the derivation says which criteria were short.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from okr.domain.errors import InvalidTemplate
from okr.domain.numbers import Number, fmt, to_decimal
from okr.domain.steps import Step


@dataclass(frozen=True)
class BandCondition:
    """All (`count` None) or at least `count` criteria of `part` rated `level` or above."""

    part: str
    level: Decimal
    count: int | None = None

    @classmethod
    def of(cls, part: str, level: Number, count: int | None = None) -> BandCondition:
        """Build from user values."""
        return cls(str(part), to_decimal(level), count)

    def check(
        self, label: str, criteria: Sequence[str], ratings: Mapping[str, Decimal]
    ) -> tuple[bool, Step]:
        """Whether the ratings meet the condition, with the step that says so.

        `criteria` are the part's criterion keys in the template's order; a criterion not rated
        does not reach the level."""
        reached = [key for key in criteria if key in ratings and ratings[key] >= self.level]
        short = [key for key in criteria if key not in reached]
        needed = len(criteria) if self.count is None else self.count
        met = len(reached) >= needed
        code = "grade.condition_met" if met else "grade.condition_unmet"
        params = {
            "label": label,
            "part": self.part,
            "level": self.level,
            "needed": "all" if self.count is None else needed,
            "of": len(criteria),
            "reached": len(reached),
        }
        if not met:
            params["short"] = ", ".join(short)
        return met, Step.of(code, **params)


CONDITION_PARTS = ("interview", "self")


def validate_condition(
    label: str, condition: BandCondition, scales: Sequence[tuple[Decimal, Decimal]]
) -> None:
    """A condition on a one-sheet part with criteria on one scale, a level on that scale and
    a count from 1 to the number of criteria (`scales`: each criterion's lowest and highest)."""
    where = {"label": label, "part": condition.part}
    if condition.part not in CONDITION_PARTS or not scales:
        raise InvalidTemplate("template.condition_part", where)
    if len(set(scales)) > 1:
        raise InvalidTemplate("template.condition_scales", where)
    low, high = scales[0]
    if not low <= condition.level <= high:
        raise InvalidTemplate(
            "template.condition_level",
            {**where, "level": fmt(condition.level), "min": fmt(low), "max": fmt(high)},
        )
    if condition.count is not None and not 1 <= condition.count <= len(scales):
        raise InvalidTemplate(
            "template.condition_count",
            {**where, "count": str(condition.count), "of": str(len(scales))},
        )
