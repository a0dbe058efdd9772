"""Key-result attainment: progress toward the target as an exact fraction, with its derivation.

Rules (each is a step code in ``explain.STEP_TEMPLATES``):

* increase: ``(current - start) / (target - start)``; decrease: ``(start - current) /
  (start - target)``; ratio: ``current / target``.  Then floored at 0 (``progress.floored``)
  and capped at ``cap`` (``progress.capped``); ``cap`` defaults to 1 and may be raised by a
  template (e.g. 1.2 for 120 % over-achievement) but never below 1.
* at_least / at_most, met or not met (``pass_fail``, the default): held -> 1, not held -> 0.
  Held means ``current >= target`` (at_least) or ``current <= target`` (at_most) with an
  inclusive edge, ``current > target`` or ``current < target`` with a strict one; the step
  names the rule (``kr.at_least_held`` / ``kr.at_least_missed``, ``kr.above_*`` when strict,
  ``kr.at_most_*``, ``kr.below_*`` when strict), e.g. "2.9 is not above 3 (strict): target
  not held, progress 0 (met or not met)".
* at_least / at_most with partial credit (``proportional``, inclusive edge only): at_least
  met (``current >= target``) -> 1; not met -> partial ``current / target``, floored at 0.
  at_most met (``current <= target``) -> 1; not met -> ``target / current``.  These keep the
  step codes they always had (``kr.at_least_met``, ``kr.at_least_partial`` ...), so key results
  that scored this way before hold rules could be chosen explain themselves as before.
* A hold target cannot be over-achieved: met is exactly 1 whatever the cap.
* milestone: done -> 1, not done -> 0 (current given as True/False or 1/0).
* per_unit: moved = ``current - start`` (up) or ``start - current`` (down); only whole
  steps count (``floor(moved / step)``, and never below 0: moving the wrong way earns 0,
  not negative points); points = whole steps x points per step, capped at ``max_points``.
* tiers: the points of the tier containing the value; a value in no tier scores 0 and the
  derivation says so (``kr.tier_no_match``).
* Point kinds roll up like the others: progress = points / max points, where max points is
  ``max_points`` for per_unit and the highest tier's points for tiers (so always 0..1).
* No value yet (``current`` None) -> progress 0, points 0 for point kinds, step
  ``kr.no_value``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from okr.domain.errors import InvalidNumber
from okr.domain.krspec import (
    HOLD_KINDS,
    Direction,
    HoldScoring,
    KeyResultSpec,
    KRKind,
    ensure_valid_spec,
)
from okr.domain.numbers import ONE, ZERO, Number, in_domain_context, to_decimal
from okr.domain.steps import Issue, Step
from okr.domain.tiers import find_tier


@dataclass(frozen=True)
class AttainmentResult:
    """Attainment of one key result: final progress fraction, points for point kinds, steps."""

    kind: KRKind
    progress: Decimal
    points: Decimal | None
    max_points: Decimal | None
    has_value: bool
    steps: tuple[Step, ...]
    warnings: tuple[Issue, ...] = ()


def _bounded(raw: Decimal, cap: Decimal, steps: list[Step]) -> Decimal:
    if raw < ZERO:
        steps.append(Step.of("progress.floored", raw=raw, progress=ZERO))
        return ZERO
    if raw > cap:
        steps.append(Step.of("progress.capped", raw=raw, cap=cap, progress=cap))
        return cap
    return raw


def _check_cap(cap: Number) -> Decimal:
    value = to_decimal(cap)
    if value < ONE:
        raise InvalidNumber("attain.cap_below_one", {"cap": str(cap)})
    return value


def _milestone_done(current: Number) -> bool:
    if isinstance(current, bool):
        return current
    value = to_decimal(current)
    if value not in (ZERO, ONE):
        raise InvalidNumber("attain.milestone_value", {"value": str(current)})
    return value == ONE


def _linear(spec: KeyResultSpec, current: Decimal, cap: Decimal) -> tuple[Decimal, list[Step]]:
    start, target = spec.start or ZERO, spec.target
    assert target is not None
    if spec.kind is KRKind.INCREASE:
        raw = (current - start) / (target - start)
    elif spec.kind is KRKind.DECREASE:
        raw = (start - current) / (start - target)
    else:
        raw = current / target
        steps = [Step.of("kr.ratio", current=current, target=target, progress=raw)]
        return _bounded(raw, cap, steps), steps
    code = "kr.increase" if spec.kind is KRKind.INCREASE else "kr.decrease"
    steps = [Step.of(code, start=start, target=target, current=current, progress=raw)]
    return _bounded(raw, cap, steps), steps


_HELD_CODES = {
    (KRKind.AT_LEAST, False): ("kr.at_least_held", "kr.at_least_missed"),
    (KRKind.AT_LEAST, True): ("kr.above_held", "kr.above_missed"),
    (KRKind.AT_MOST, False): ("kr.at_most_held", "kr.at_most_missed"),
    (KRKind.AT_MOST, True): ("kr.below_held", "kr.below_missed"),
}
"""Steps of a met-or-not hold: (held, not held) by kind and whether the edge is strict."""


def _is_held(spec: KeyResultSpec, current: Decimal) -> bool:
    target = spec.target
    assert target is not None
    if spec.kind is KRKind.AT_LEAST:
        return current > target if spec.hold_strict else current >= target
    return current < target if spec.hold_strict else current <= target


def _hold(spec: KeyResultSpec, current: Decimal) -> tuple[Decimal, list[Step]]:
    """Met or not met: 1 when the target is held (edge strict or inclusive as written), else 0."""
    if spec.scoring is HoldScoring.PROPORTIONAL:
        return _hold_partial(spec, current)
    held = _is_held(spec, current)
    progress = ONE if held else ZERO
    code = _HELD_CODES[(spec.kind, spec.hold_strict)][0 if held else 1]
    return progress, [Step.of(code, current=current, target=spec.target, progress=progress)]


def _hold_partial(spec: KeyResultSpec, current: Decimal) -> tuple[Decimal, list[Step]]:
    """Partial credit short of the target (inclusive edge): current / target, target / current."""
    target = spec.target
    assert target is not None
    if spec.kind is KRKind.AT_LEAST:
        if current >= target:
            return ONE, [Step.of("kr.at_least_met", current=current, target=target, progress=ONE)]
        raw = current / target
        steps = [Step.of("kr.at_least_partial", current=current, target=target, progress=raw)]
    else:
        if current <= target:
            return ONE, [Step.of("kr.at_most_met", current=current, target=target, progress=ONE)]
        raw = target / current
        steps = [Step.of("kr.at_most_partial", current=current, target=target, progress=raw)]
    return _bounded(raw, ONE, steps), steps


def _per_unit(spec: KeyResultSpec, current: Decimal) -> tuple[Decimal, list[Step]]:
    start, step, each, top = spec.start, spec.step, spec.points_per_step, spec.max_points
    assert start is not None and step is not None and each is not None and top is not None
    up = spec.direction is Direction.UP
    moved = current - start if up else start - current
    whole = max(ZERO, (moved / step).to_integral_value(rounding=ROUND_FLOOR))
    raw = whole * each
    steps = [
        Step.of(
            "kr.per_unit_up" if up else "kr.per_unit_down",
            start=start,
            current=current,
            moved=moved,
            step=step,
            whole_steps=whole,
            points_per_step=each,
            points=raw,
        )
    ]
    if raw > top:
        steps.append(Step.of("points.capped", raw=raw, max_points=top))
        return top, steps
    return raw, steps


def _tiers(spec: KeyResultSpec, current: Decimal) -> tuple[Decimal, list[Step]]:
    tier = find_tier(spec.tiers, current)
    if tier is None:
        return ZERO, [Step.of("kr.tier_no_match", current=current, points=ZERO)]
    return tier.points, [
        Step.of("kr.tier_matched", current=current, tier=tier.label, points=tier.points)
    ]


def max_points_of(spec: KeyResultSpec) -> Decimal | None:
    """Most points a point kind can give: max_points (per_unit) or the best tier (tiers)."""
    if spec.kind is KRKind.PER_UNIT:
        return spec.max_points
    if spec.kind is KRKind.TIERS:
        return max(t.points for t in spec.tiers)
    return None


@in_domain_context
def attainment(spec: KeyResultSpec, current: Number | None, cap: Number = ONE) -> AttainmentResult:
    """Progress of a key result toward its target, floored at 0 and capped at `cap`."""
    warnings = ensure_valid_spec(spec)
    limit = _check_cap(cap)
    top = max_points_of(spec)
    if current is None:
        steps = (Step.of("kr.no_value", progress=ZERO),)
        points = ZERO if spec.is_points else None
        return AttainmentResult(spec.kind, ZERO, points, top, False, steps, warnings)
    if spec.kind is KRKind.MILESTONE:
        done = _milestone_done(current)
        code = "kr.milestone_done" if done else "kr.milestone_not_done"
        progress = ONE if done else ZERO
        steps = (Step.of(code, progress=progress),)
        return AttainmentResult(spec.kind, progress, None, None, True, steps, warnings)
    value = to_decimal(current)
    if spec.kind in (KRKind.INCREASE, KRKind.DECREASE, KRKind.RATIO):
        progress, step_list = _linear(spec, value, limit)
        return AttainmentResult(spec.kind, progress, None, None, True, tuple(step_list), warnings)
    if spec.kind in HOLD_KINDS:
        progress, step_list = _hold(spec, value)
        return AttainmentResult(spec.kind, progress, None, None, True, tuple(step_list), warnings)
    assert top is not None
    points, step_list = (
        _per_unit(spec, value) if spec.kind is KRKind.PER_UNIT else _tiers(spec, value)
    )
    progress = points / top
    step_list.append(
        Step.of("kr.points_progress", points=points, max_points=top, progress=progress)
    )
    return AttainmentResult(spec.kind, progress, points, top, True, tuple(step_list), warnings)
