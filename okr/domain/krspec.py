"""Key-result specifications and their validation.

Kinds (``KRKind``):

==========  ==============================================================================
increase    from ``start`` up to ``target`` (target > start)
decrease    from ``start`` down to ``target`` (target < start)
ratio       ``current / target`` (target > 0), e.g. "revenue against a 1,000,000 goal"
at_least    keep the value >= ``target`` (target > 0)
at_most     keep the value <= ``target`` (target >= 0)
milestone   done or not done
per_unit    points per whole ``step`` moved from ``start`` in ``direction``, up to ``max_points``
tiers       points by the ``Tier`` whose interval contains the value; no tier -> 0 points
==========  ==============================================================================

``validate_spec`` returns every ``Issue`` found (errors and warnings: tier gaps and uncovered
ranges are warnings because the seeds leave such holes on purpose or by accident, e.g.
"3000 <= r < 3500: 5; r > 3500: 8" leaves 3500 itself uncovered).  ``ensure_valid_spec``
raises ``InvalidSpec`` with the first error and carries all issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from okr.domain.errors import InvalidSpec
from okr.domain.numbers import Number, to_decimal
from okr.domain.steps import Issue, Severity
from okr.domain.tiers import Tier, check_tiers


class KRKind(StrEnum):
    """How a key result turns a measured value into attainment."""

    INCREASE = "increase"
    DECREASE = "decrease"
    RATIO = "ratio"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    MILESTONE = "milestone"
    PER_UNIT = "per_unit"
    TIERS = "tiers"


POINT_KINDS = frozenset({KRKind.PER_UNIT, KRKind.TIERS})


class Direction(StrEnum):
    """Which way a per-unit rule counts: more is better (up) or less is better (down)."""

    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class KeyResultSpec:
    """How one key result is scored; which fields matter depends on `kind`."""

    kind: KRKind
    start: Decimal | None = None
    target: Decimal | None = None
    step: Decimal | None = None
    points_per_step: Decimal | None = None
    direction: Direction | None = None
    max_points: Decimal | None = None
    tiers: tuple[Tier, ...] = ()

    @classmethod
    def increase(cls, start: Number, target: Number) -> KeyResultSpec:
        """Grow a metric from start to target."""
        return cls(KRKind.INCREASE, start=to_decimal(start), target=to_decimal(target))

    @classmethod
    def decrease(cls, start: Number, target: Number) -> KeyResultSpec:
        """Bring a metric down from start to target."""
        return cls(KRKind.DECREASE, start=to_decimal(start), target=to_decimal(target))

    @classmethod
    def ratio(cls, target: Number) -> KeyResultSpec:
        """Reach a share of a target counted from zero."""
        return cls(KRKind.RATIO, target=to_decimal(target))

    @classmethod
    def at_least(cls, target: Number) -> KeyResultSpec:
        """Keep a metric at or above the target."""
        return cls(KRKind.AT_LEAST, target=to_decimal(target))

    @classmethod
    def at_most(cls, target: Number) -> KeyResultSpec:
        """Keep a metric at or below the target."""
        return cls(KRKind.AT_MOST, target=to_decimal(target))

    @classmethod
    def milestone(cls) -> KeyResultSpec:
        """A deliverable that is either done or not."""
        return cls(KRKind.MILESTONE)

    @classmethod
    def per_unit(
        cls,
        start: Number,
        step: Number,
        points_per_step: Number,
        max_points: Number,
        direction: Direction = Direction.UP,
    ) -> KeyResultSpec:
        """Points for every whole step moved from the baseline, capped at max_points."""
        return cls(
            KRKind.PER_UNIT,
            start=to_decimal(start),
            step=to_decimal(step),
            points_per_step=to_decimal(points_per_step),
            direction=direction,
            max_points=to_decimal(max_points),
        )

    @classmethod
    def tiered(cls, tiers: Sequence[Tier]) -> KeyResultSpec:
        """Points by the tier the value falls in."""
        return cls(KRKind.TIERS, tiers=tuple(tiers))

    @property
    def is_points(self) -> bool:
        """Whether this kind scores points (per_unit, tiers) rather than a ratio."""
        return self.kind in POINT_KINDS


def _missing(spec: KeyResultSpec, *names: str) -> list[Issue]:
    return [
        Issue.error("spec.missing_field", kind=spec.kind, field=name)
        for name in names
        if getattr(spec, name) is None
    ]


def _check_start_target(spec: KeyResultSpec) -> list[Issue]:
    issues = _missing(spec, "start", "target")
    if issues or spec.start is None or spec.target is None:
        return issues
    start, target = spec.start, spec.target
    if spec.kind is KRKind.INCREASE:
        if target == start:
            issues.append(Issue.error("spec.increase_start_equals_target", start=start))
        elif target < start:
            issues.append(
                Issue.error("spec.increase_target_below_start", start=start, target=target)
            )
    elif target == start:
        issues.append(Issue.error("spec.decrease_start_equals_target", start=start))
    elif target > start:
        issues.append(Issue.error("spec.decrease_target_above_start", start=start, target=target))
    return issues


def _check_hold(spec: KeyResultSpec) -> list[Issue]:
    issues = _missing(spec, "target")
    target = spec.target
    if target is None:
        return issues
    if spec.kind in (KRKind.AT_LEAST, KRKind.RATIO) and target <= 0:
        issues.append(Issue.error("spec.target_not_positive", kind=spec.kind, target=target))
    if spec.kind is KRKind.AT_MOST and target < 0:
        issues.append(Issue.error("spec.at_most_target_negative", target=target))
    return issues


def _check_per_unit(spec: KeyResultSpec) -> list[Issue]:
    issues = _missing(spec, "start", "step", "points_per_step", "direction", "max_points")
    if spec.step is not None and spec.step <= 0:
        issues.append(Issue.error("spec.step_not_positive", step=spec.step))
    if spec.points_per_step is not None and spec.points_per_step <= 0:
        issues.append(
            Issue.error("spec.points_per_step_not_positive", points_per_step=spec.points_per_step)
        )
    if spec.max_points is not None and spec.max_points <= 0:
        issues.append(Issue.error("spec.max_points_not_positive", max_points=spec.max_points))
    return issues


def validate_spec(spec: KeyResultSpec) -> tuple[Issue, ...]:
    """List every problem of a key-result spec; errors block scoring, warnings do not."""
    if spec.kind in (KRKind.INCREASE, KRKind.DECREASE):
        return tuple(_check_start_target(spec))
    if spec.kind in (KRKind.AT_LEAST, KRKind.AT_MOST, KRKind.RATIO):
        return tuple(_check_hold(spec))
    if spec.kind is KRKind.PER_UNIT:
        return tuple(_check_per_unit(spec))
    if spec.kind is KRKind.TIERS:
        return tuple(check_tiers(spec.tiers))
    return ()


def ensure_valid_spec(spec: KeyResultSpec) -> tuple[Issue, ...]:
    """Raise InvalidSpec on the first error (carrying all issues); return the warnings."""
    issues = validate_spec(spec)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise InvalidSpec(errors[0].code, errors[0].params, issues=issues)
    return issues
