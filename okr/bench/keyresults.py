"""Key results drawn from the catalog's templates (okr.bench.words): numbers people would set.

Baselines and targets are round numbers in the template's ranges (scaled for a department's own
key results), precision follows the unit, and every rule is one the app accepts; hold kinds
score met or not met with an inclusive edge, as a new one does in the app.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from okr.bench import words
from okr.domain.krspec import Direction, HoldScoring, KeyResultSpec, KRKind
from okr.domain.tiers import Tier

D = Decimal
HOLD = ("at_least", "at_most")
COUNT_UNITS = {
    "个",
    "次",
    "人",
    "篇",
    "条",
    "场",
    "家",
    "项",
    "处",
    "门",
    "单",
    "点",
    "份",
    "笔",
    "阅读",
}
SCALED_UNITS = {"万元", "家", "条", "人", "个", "次", "篇", "场", "单", "点", "份", "阅读"}


def round_number(value: float) -> Decimal:
    """A round number people would set as a baseline or target."""
    if value >= 10000:
        return D(round(value, -3))
    if value >= 1000:
        return D(round(value, -2))
    if value >= 100:
        return D(round(value, -1))
    if value >= 10:
        return D(round(value))
    return D(str(round(value, 1)))


def _places(unit: str, magnitude: Decimal) -> int:
    if unit in COUNT_UNITS or magnitude >= 100:
        return 0
    return 1 if magnitude >= 10 else 2


def kr_spec(
    template: words.KR, rng: random.Random, scale: float = 1.0
) -> tuple[dict[str, Any], int, tuple[float, float]]:
    """Columns of a key result drawn from a template (see okr.bench.words), and its value precision."""
    title, unit, kind, rule = template
    grow = scale if unit in SCALED_UNITS else 1.0
    counted = unit in COUNT_UNITS

    def nice(value: float) -> Decimal:  # whole numbers of things people count
        number = round_number(value)
        return number.to_integral_value(ROUND_HALF_UP) if counted else number

    columns: dict[str, Any] = dict.fromkeys(
        ("start", "target", "step", "points_per_step", "direction", "max_points"), None
    )
    columns.update(title=title, unit=unit, kind=kind, tiers=[])
    # hold kinds score met or not met, the edge inclusive: the app's defaults for a new one
    columns.update(hold_scoring="pass_fail" if kind in HOLD else None, hold_strict=False)
    span = (0.0, 0.0)
    if kind in ("increase", "decrease"):
        (low, high), (f_low, f_high) = rule
        start = nice(rng.uniform(low, high) * grow)
        target = nice(float(start) * rng.uniform(f_low, f_high))
        if target == start:
            target = start + (1 if kind == "increase" else -1) * max(D(1), start / 10)
        columns.update(start=start, target=target)
        magnitude = max(start, target)
    elif kind in ("ratio", "at_least", "at_most"):
        low, high = rule
        target = nice(rng.uniform(low, high) * (grow if kind == "ratio" else 1.0))
        if kind != "at_most" and target <= 0:
            target = D(1)
        columns.update(target=target)
        magnitude = target
    elif kind == "per_unit":
        low, high, step, per_step, most, direction = rule
        columns.update(
            start=nice(rng.uniform(low, high)) if high else D(0),
            step=D(step),
            points_per_step=D(per_step),
            max_points=D(most),
            direction=direction,
        )
        magnitude = columns["start"] + D(step) * D(most) / D(per_step)
    elif kind == "tiers":
        name, low, high = rule
        columns["tiers"] = words.TIERS[name]
        span = (float(low), float(high))
        magnitude = D(high)
    else:
        magnitude = D(1)
    return columns, _places(unit, magnitude), span


def domain_spec(columns: dict[str, Any]) -> KeyResultSpec:
    """The scoring rule of generated columns, as okr.objectives.rules.spec_of reads a stored one."""
    return KeyResultSpec(
        KRKind(columns["kind"]),
        start=columns["start"],
        target=columns["target"],
        step=columns["step"],
        points_per_step=columns["points_per_step"],
        direction=Direction(columns["direction"]) if columns["direction"] else None,
        max_points=columns["max_points"],
        tiers=tuple(
            Tier.of(
                t["lower"],
                t["upper"],
                t["points"],
                lower_inclusive=t["lower_inclusive"],
                upper_inclusive=t["upper_inclusive"],
            )
            for t in columns["tiers"]
        ),
        hold_scoring=HoldScoring(columns["hold_scoring"]) if columns["hold_scoring"] else None,
        hold_strict=columns["hold_strict"],
    )
