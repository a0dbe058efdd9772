"""Weights: one set must sum to exactly 100 (percent), and weighted means.

A set that does not sum to the expected total is refused with ``WeightsDoNotSum`` carrying
the actual sum (seed 004 prints 40/30/20/10/10 = 110): it is never normalised.  Weights are
never negative; a weight of 0 is allowed (the item is shown but does not count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from okr.domain.errors import InvalidWeight, WeightsDoNotSum
from okr.domain.numbers import HUNDRED, ZERO, Number, fmt, in_domain_context, to_decimal
from okr.domain.steps import Step, join_terms


@dataclass(frozen=True)
class WeightsCheck:
    """Accepted weights, their exact total, and the step stating the sum."""

    weights: tuple[Decimal, ...]
    total: Decimal
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class WeightedMean:
    """A weighted mean (None when there was nothing to average) with its derivation."""

    value: Decimal | None
    total_weight: Decimal
    steps: tuple[Step, ...]


def _nonnegative(weights: Sequence[Number], scope: str) -> tuple[Decimal, ...]:
    parsed = tuple(to_decimal(w) for w in weights)
    for index, weight in enumerate(parsed, start=1):
        if weight < 0:
            raise InvalidWeight(
                "weights.negative", {"scope": scope, "position": str(index), "weight": fmt(weight)}
            )
    return parsed


@in_domain_context
def check_weights(
    weights: Sequence[Number], total: Number = HUNDRED, *, scope: str = "weights"
) -> WeightsCheck:
    """Weights of one set must be non-negative and add up to exactly `total` (100 by default)."""
    parsed = _nonnegative(weights, scope)
    expected = to_decimal(total)
    actual = sum(parsed, ZERO)
    if actual != expected:
        raise WeightsDoNotSum(
            "weights.do_not_sum",
            {
                "scope": scope,
                "weights": join_terms(parsed) or "0",
                "sum": fmt(actual),
                "expected": fmt(expected),
            },
        )
    step = Step.of("weights.sum", scope=scope, weights=join_terms(parsed), sum=actual)
    return WeightsCheck(parsed, actual, (step,))


@in_domain_context
def weighted_mean(items: Sequence[tuple[Number, Number]], *, scope: str = "mean") -> WeightedMean:
    """Sum of value x weight divided by the sum of weights; nothing to average gives None."""
    if not items:
        return WeightedMean(None, ZERO, (Step.of("mean.empty", scope=scope),))
    weights = _nonnegative([w for _, w in items], scope)
    values = tuple(to_decimal(v) for v, _ in items)
    total_weight = sum(weights, ZERO)
    if total_weight == 0:
        raise InvalidWeight("weights.zero_total", {"scope": scope})
    products = tuple(v * w for v, w in zip(values, weights, strict=True))
    numerator = sum(products, ZERO)
    value = numerator / total_weight
    terms = " + ".join(f"{fmt(v)} × {fmt(w)}" for v, w in zip(values, weights, strict=True))
    step = Step.of(
        "mean.weighted",
        scope=scope,
        terms=terms,
        numerator=numerator,
        total_weight=total_weight,
        value=value,
    )
    return WeightedMean(value, total_weight, (step,))


@in_domain_context
def plain_mean(values: Sequence[Number], *, scope: str = "mean") -> WeightedMean:
    """Arithmetic mean where every value counts once; nothing to average gives None."""
    if not values:
        return WeightedMean(None, ZERO, (Step.of("mean.empty", scope=scope),))
    parsed = tuple(to_decimal(v) for v in values)
    total = sum(parsed, ZERO)
    count = Decimal(len(parsed))
    value = total / count
    step = Step.of(
        "mean.plain", scope=scope, values=join_terms(parsed), total=total, count=count, value=value
    )
    return WeightedMean(value, count, (step,))
