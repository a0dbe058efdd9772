"""Roll-ups over cycles: a half-year or yearly part made of the results of shorter cycles.

Seed 003: "考核分数将纳入年终考核" (the monthly scores go into the year-end review) and
"获得月度奖，年度考核综合分加4分，入TOP3加2分" (a month's award adds 4 points to the yearly
composite, a month in the TOP3 adds 2).

* A ``CycleRollup`` names the template family whose released composites it takes and how:
  ``mean`` (the mean of the results present, the count stated) or ``sum``.  The results are
  the person's released appraisals under that family in the cycles that fall within the
  longer cycle (read by the caller; this module is pure).
* No result at all leaves the part missing (``value`` None), never 0.  A mean is taken over
  the results present, and the derivation says how many of them there are and which cycles
  they come from, so a missing month is visible instead of silently counted as 0.
* Year-end bonuses (``YearEndBonus``) give fixed points per cycle in which something
  happened: an outcome rule by key applied (the month's award), or the result ranked at most
  ``top`` in its department (the TOP3).  They are capped only where a rule says ``cap``.
* Every figure is an exact Decimal; a mean's quotient carries the domain context's 28
  significant digits and is never rounded here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from okr.domain.errors import InvalidTemplate
from okr.domain.numbers import HUNDRED, ZERO, fmt, in_domain_context
from okr.domain.steps import Step, join_terms


class Of(StrEnum):
    """How the cycles' results make the part."""

    MEAN = "mean"
    SUM = "sum"


WITHIN = "within"
"""The only cycle choice so far: the cycles that fall within the reviewed (longer) cycle."""


@dataclass(frozen=True)
class YearEndBonus:
    """Points per cycle in which an outcome rule (by key) applied or the rank was at most `top`."""

    key: str
    points: Decimal
    outcome: str | None = None
    top: int | None = None
    cap: Decimal | None = None  # the most this bonus gives in one period (None: no cap)


@dataclass(frozen=True)
class CycleRollup:
    """A part taken from the released composites of a template family's shorter cycles."""

    family: str
    of: Of = Of.MEAN
    cycles: str = WITHIN
    bonuses: tuple[YearEndBonus, ...] = ()


@dataclass(frozen=True)
class CycleResult:
    """One released result that feeds a roll-up: its cycle's label, composite, the keys of the
    outcome rules that applied and the department rank (None: not ranked)."""

    cycle: str
    composite: Decimal
    outcomes: frozenset[str] = frozenset()
    rank: int | None = None


@dataclass(frozen=True)
class RollupResult:
    """The part's value (None: no result, the part is missing), the bonus points, the number of
    results that fed it and the derivation."""

    value: Decimal | None
    bonus: Decimal
    count: int
    steps: tuple[Step, ...]


def validate_rollup(rollup: CycleRollup) -> None:
    """A family, a known way to combine, the cycles within, and well-formed bonuses."""
    if not rollup.family.strip():
        raise InvalidTemplate("cycle_rollup.no_family", {})
    if rollup.cycles != WITHIN:
        raise InvalidTemplate("cycle_rollup.cycles", {"cycles": rollup.cycles})
    seen: set[str] = set()
    for bonus in rollup.bonuses:
        where = {"bonus": bonus.key}
        if bonus.key in seen:
            raise InvalidTemplate("cycle_rollup.duplicate_bonus", where)
        seen.add(bonus.key)
        if (bonus.outcome is None) == (bonus.top is None):
            raise InvalidTemplate("cycle_rollup.bonus_condition", where)
        if bonus.top is not None and bonus.top < 1:
            raise InvalidTemplate("cycle_rollup.bonus_top", {**where, "top": str(bonus.top)})
        if bonus.points == 0:
            raise InvalidTemplate("cycle_rollup.bonus_points", where)
        if bonus.cap is not None and bonus.cap <= 0:
            raise InvalidTemplate("cycle_rollup.bonus_cap", {**where, "cap": fmt(bonus.cap)})


def earned(bonus: YearEndBonus, result: CycleResult) -> bool:
    """Whether the result earned the bonus: its outcome rule applied, or its rank reached top."""
    if bonus.outcome is not None:
        return bonus.outcome in result.outcomes
    return result.rank is not None and bonus.top is not None and result.rank <= bonus.top


@in_domain_context
def bonus_points(bonus: YearEndBonus, results: Sequence[CycleResult]) -> tuple[Decimal, Step]:
    """One bonus: its points times the cycles it was earned in, capped only by its own cap."""
    cycles = [r.cycle for r in results if earned(bonus, r)]
    if not cycles:
        return ZERO, Step.of("cycle_rollup.bonus_none", bonus=bonus.key)
    raw = bonus.points * len(cycles)
    params = {
        "bonus": bonus.key,
        "count": len(cycles),
        "cycles": "、".join(cycles),
        "points": bonus.points,
        "raw": raw,
    }
    if bonus.cap is not None and abs(raw) > bonus.cap:
        total = bonus.cap if raw > 0 else -bonus.cap
        return total, Step.of("cycle_rollup.bonus_capped", cap=bonus.cap, total=total, **params)
    return raw, Step.of("cycle_rollup.bonus", **params)


@in_domain_context
def roll_up(part: str, rollup: CycleRollup, results: Sequence[CycleResult]) -> RollupResult:
    """The part's value from the results (oldest cycle first), then the year-end bonuses."""
    validate_rollup(rollup)
    if not results:
        step = Step.of("cycle_rollup.missing", part=part, family=rollup.family)
        return RollupResult(None, ZERO, 0, (step,))
    composites = [r.composite for r in results]
    total = sum(composites, ZERO)
    cycles = "、".join(r.cycle for r in results)
    terms = join_terms(composites)
    count = len(results)
    if rollup.of is Of.MEAN:
        value = total / count
        first = Step.of(
            "cycle_rollup.mean",
            part=part,
            cycles=cycles,
            count=count,
            terms=terms,
            value=value,
        )
    else:
        value = total
        first = Step.of(
            "cycle_rollup.sum", part=part, cycles=cycles, count=count, terms=terms, value=value
        )
    steps = [first]
    bonus = ZERO
    for rule in rollup.bonuses:
        points, step = bonus_points(rule, results)
        bonus += points
        steps.append(step)
    return RollupResult(value, bonus, count, tuple(steps))


def rollup_points(part: str, value: Decimal, weight: Decimal, points: bool) -> tuple[Decimal, Step]:
    """A roll-up's value as its points (a points template, `weight` its share), or
    value × weight ÷ 100 (a weighted template)."""
    if points:
        return value, Step.of("composite.rollup", part=part, points=value, max=weight)
    got = value * weight / HUNDRED
    step = Step.of("composite.rollup_weighted", part=part, value=value, weight=weight, points=got)
    return got, step


def year_end_bonus(
    rollups: Mapping[str, CycleRollup],
    results: Mapping[str, RollupResult],
    weights: Mapping[str, Decimal],
) -> tuple[Decimal, list[Step]]:
    """The year-end bonuses of the roll-up parts that weigh more than 0 and have bonuses."""
    found = [
        (part, results[part].bonus)
        for part, rollup in rollups.items()
        if part in results and weights.get(part, ZERO) > 0 and rollup.bonuses
    ]
    total = sum((bonus for _, bonus in found), ZERO)
    return total, [Step.of("composite.rollup_bonus", part=part, bonus=b) for part, b in found]
