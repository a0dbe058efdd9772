"""Adjustment kinds of a review template: a bonus (+) or deduction (-) per occurrence.

Seed 003 writes both shapes: fixed points (一个错别字减0.5分) and a range chosen when one is
recorded (重大差错扣1—5分: −5 to −1). A range stays on one side of 0, so a kind is always a bonus
or always a deduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from okr.domain.errors import InvalidAdjustment, InvalidTemplate
from okr.domain.numbers import Number, fmt, to_decimal


@dataclass(frozen=True)
class AdjustmentKind:
    """A kind of bonus (+) or deduction (-): fixed points per occurrence, or a range
    (`low` to `high`, both the same sign) from which each occurrence's points are chosen."""

    key: str
    points: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None

    @classmethod
    def of(cls, key: str, points: Number) -> AdjustmentKind:
        """A kind with fixed points, from user values."""
        return cls(key, to_decimal(points))

    @classmethod
    def ranged(cls, key: str, low: Number, high: Number) -> AdjustmentKind:
        """A kind whose points are chosen between `low` and `high` (e.g. -5 and -1)."""
        return cls(key, None, to_decimal(low), to_decimal(high))

    @property
    def is_ranged(self) -> bool:
        return self.points is None

    def each(self, chosen: Decimal | None) -> Decimal:
        """The points of one occurrence: the kind's own, or the chosen ones within its range."""
        if self.points is not None:
            if chosen is not None and chosen != self.points:
                raise InvalidAdjustment(
                    "adjust.fixed_points",
                    {"kind": self.key, "points": fmt(chosen), "each": fmt(self.points)},
                )
            return self.points
        assert self.low is not None and self.high is not None
        if chosen is None or not self.low <= chosen <= self.high:
            raise InvalidAdjustment(
                "adjust.out_of_range",
                {
                    "kind": self.key,
                    "points": "" if chosen is None else fmt(chosen),
                    "low": fmt(self.low),
                    "high": fmt(self.high),
                },
            )
        return chosen


def validate_kind(kind: AdjustmentKind) -> None:
    """Fixed points other than 0, or a range from low to high that stays on one side of 0."""
    if kind.points is not None:
        if kind.points == 0:
            raise InvalidTemplate("template.adjustment_zero", {"key": kind.key})
        return
    low, high = kind.low, kind.high
    if low is None or high is None or low >= high or low < 0 < high or 0 in (low, high):
        raise InvalidTemplate(
            "template.adjustment_range",
            {
                "key": kind.key,
                "low": fmt(low) if low is not None else "",
                "high": fmt(high) if high is not None else "",
            },
        )
