"""Point tiers: intervals with open or closed ends, their overlap and their gaps.

A tier is an interval ``lower .. upper`` whose ends are each inclusive or exclusive; a missing
bound is open to minus or plus infinity.  Two tiers overlap when one value lies in both:
``[2500, 3000)`` and ``[3000, 3500)`` do not overlap, ``[2500, 3000]`` and ``[3000, 3500)`` do.
Overlaps are errors.  Gaps are warnings: a value in no tier scores 0 points and the
derivation says so (step ``kr.tier_no_match``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from okr.domain.numbers import Number, fmt, to_decimal, to_decimal_or_none
from okr.domain.steps import Issue


@dataclass(frozen=True)
class Tier:
    """A points band on an interval; a None bound is open (minus or plus infinity)."""

    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool
    points: Decimal

    @classmethod
    def of(
        cls,
        lower: Number | None,
        upper: Number | None,
        points: Number,
        *,
        lower_inclusive: bool = True,
        upper_inclusive: bool = False,
    ) -> Tier:
        """Build a tier from user values; defaults to the usual half-open [lower, upper)."""
        return cls(
            to_decimal_or_none(lower),
            lower_inclusive,
            to_decimal_or_none(upper),
            upper_inclusive,
            to_decimal(points),
        )

    def contains(self, value: Decimal) -> bool:
        """Whether the value lies in this tier, honouring open and closed ends."""
        if self.lower is not None and (
            value < self.lower or (value == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )

    @property
    def label(self) -> str:
        """Interval notation, e.g. '[2500, 3000)' or '(3500, +inf)'."""
        left = "(-inf" if self.lower is None else ("[" if self.lower_inclusive else "(")
        left += "" if self.lower is None else fmt(self.lower)
        right = "+inf)" if self.upper is None else fmt(self.upper)
        right += "" if self.upper is None else ("]" if self.upper_inclusive else ")")
        return f"{left}, {right}"


def find_tier(tiers: Sequence[Tier], value: Decimal) -> Tier | None:
    """The tier containing the value, or None when the value falls in a gap."""
    return next((t for t in tiers if t.contains(value)), None)


def _lower_key(tier: Tier) -> tuple[int, Decimal, int]:
    # Sort open-below first, then by value, closed before open at the same value.
    if tier.lower is None:
        return (0, Decimal(0), 0)
    return (1, tier.lower, 0 if tier.lower_inclusive else 1)


def _inner_lower(a: Tier, b: Tier) -> tuple[Decimal | None, bool]:
    bounds = [(t.lower, t.lower_inclusive) for t in (a, b) if t.lower is not None]
    if not bounds:
        return None, True
    value = max(v for v, _ in bounds)
    return value, all(inc for v, inc in bounds if v == value)


def _inner_upper(a: Tier, b: Tier) -> tuple[Decimal | None, bool]:
    bounds = [(t.upper, t.upper_inclusive) for t in (a, b) if t.upper is not None]
    if not bounds:
        return None, True
    value = min(v for v, _ in bounds)
    return value, all(inc for v, inc in bounds if v == value)


def tiers_overlap(a: Tier, b: Tier) -> bool:
    """Whether a value lies in both tiers: [2500,3000) and [3000,3500) do not, [2500,3000] does."""
    if not (_nonempty(a) and _nonempty(b)):
        return False
    low, low_closed = _inner_lower(a, b)
    high, high_closed = _inner_upper(a, b)
    if low is None or high is None:
        return True
    return low < high or (low == high and low_closed and high_closed)


def _nonempty(tier: Tier) -> bool:
    if tier.lower is None or tier.upper is None:
        return True
    return tier.lower < tier.upper or (
        tier.lower == tier.upper and tier.lower_inclusive and tier.upper_inclusive
    )


def check_tiers(tiers: Sequence[Tier]) -> list[Issue]:
    """Refuse empty, reversed, negative or overlapping tiers; warn about uncovered values."""
    if not tiers:
        return [Issue.error("spec.tiers_empty")]
    issues: list[Issue] = []
    for tier in tiers:
        if tier.points < 0:
            issues.append(Issue.error("spec.tier_points_negative", tier=tier.label))
        if tier.lower is not None and tier.upper is not None and tier.lower > tier.upper:
            issues.append(Issue.error("spec.tier_bounds_reversed", tier=tier.label))
        elif not _nonempty(tier):
            issues.append(Issue.error("spec.tier_empty", tier=tier.label))
    if issues:
        return issues
    ordered = sorted(tiers, key=_lower_key)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if tiers_overlap(first, second):
                issues.append(
                    Issue.error("spec.tiers_overlap", first=first.label, second=second.label)
                )
    if max(t.points for t in tiers) <= 0:
        issues.append(Issue.error("spec.tiers_no_points"))
    return issues or _tier_gaps(ordered)


def _tier_gaps(ordered: list[Tier]) -> list[Issue]:
    warnings: list[Issue] = []
    if ordered[0].lower is not None:
        warnings.append(Issue.warning("spec.tiers_uncovered_below", tier=ordered[0].label))
    for prev, nxt in pairwise(ordered):
        if prev.upper is None or nxt.lower is None:
            continue
        if prev.upper < nxt.lower or (
            prev.upper == nxt.lower and not (prev.upper_inclusive or nxt.lower_inclusive)
        ):
            warnings.append(Issue.warning("spec.tiers_gap", after=prev.label, before=nxt.label))
    if ordered[-1].upper is not None:
        warnings.append(Issue.warning("spec.tiers_uncovered_above", tier=ordered[-1].label))
    return warnings
