"""Key-result specifications and their validation.

Kinds (``KRKind``):

==========  ==============================================================================
increase    from ``start`` up to ``target`` (target > start)
decrease    from ``start`` down to ``target`` (target < start)
ratio       ``current / target`` (target > 0), e.g. "revenue against a 1,000,000 goal"
at_least    keep the value >= ``target`` (or > with a strict edge; target > 0)
at_most     keep the value <= ``target`` (or < with a strict edge; target >= 0)
milestone   done or not done
per_unit    points per whole ``step`` moved from ``start`` in ``direction``, up to ``max_points``
tiers       points by the ``Tier`` whose interval contains the value; no tier -> 0 points
==========  ==============================================================================

The two hold kinds (at_least, at_most) say how they score (``HoldScoring``): met or not met
(``pass_fail``, the default: held -> 1, not held -> 0), or partial credit below the line
(``proportional``: ``current / target``, resp. ``target / current``), and whether the edge is
strict (``hold_strict``: "> 5%", "< 60 s") or inclusive (the default: ">= 3%", "<= 60 s").  Other
kinds have neither (``hold_scoring`` None, ``hold_strict`` False).  Partial credit takes an
inclusive edge only: at the target itself the share is already 1, so a strict edge would change
nothing there while the step said "not held"; and a strict at-most target of 0 ("< 0") can never
be held, so it is refused.

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
HOLD_KINDS = frozenset({KRKind.AT_LEAST, KRKind.AT_MOST})


class HoldScoring(StrEnum):
    """How a hold kind scores: met or not met (1 or 0), or partial credit short of the target."""

    PASS_FAIL = "pass_fail"
    PROPORTIONAL = "proportional"


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
    hold_scoring: HoldScoring | None = None
    """Hold kinds only: None means the default, met or not met (`scoring`)."""
    hold_strict: bool = False
    """Hold kinds only: the target itself does not count as held ("> 5%" rather than ">= 5%")."""

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
    def at_least(
        cls,
        target: Number,
        scoring: HoldScoring = HoldScoring.PASS_FAIL,
        *,
        strict: bool = False,
    ) -> KeyResultSpec:
        """Keep a metric at or above the target (above it when strict); met or not by default."""
        return cls(
            KRKind.AT_LEAST, target=to_decimal(target), hold_scoring=scoring, hold_strict=strict
        )

    @classmethod
    def at_most(
        cls,
        target: Number,
        scoring: HoldScoring = HoldScoring.PASS_FAIL,
        *,
        strict: bool = False,
    ) -> KeyResultSpec:
        """Keep a metric at or below the target (below it when strict); met or not by default."""
        return cls(
            KRKind.AT_MOST, target=to_decimal(target), hold_scoring=scoring, hold_strict=strict
        )

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

    @property
    def scoring(self) -> HoldScoring | None:
        """How a hold kind scores (met or not met unless set); None for the other kinds."""
        if self.kind not in HOLD_KINDS:
            return None
        return self.hold_scoring or HoldScoring.PASS_FAIL


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
    if spec.kind is KRKind.AT_MOST and spec.hold_strict and target == 0:
        issues.append(Issue.error("spec.strict_at_most_zero"))
    return issues


def _check_hold_rule(spec: KeyResultSpec) -> list[Issue]:
    """A hold rule only on a hold kind; partial credit only with an inclusive edge."""
    if spec.kind not in HOLD_KINDS:
        issues = []
        if spec.hold_scoring is not None:
            issues.append(Issue.error("spec.hold_scoring_not_hold"))
        if spec.hold_strict:
            issues.append(Issue.error("spec.hold_strict_not_hold"))
        return issues
    if spec.hold_strict and spec.scoring is HoldScoring.PROPORTIONAL:
        return [Issue.error("spec.strict_proportional")]
    return []


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
    return (*_check_hold_rule(spec), *_check_kind(spec))


def _check_kind(spec: KeyResultSpec) -> list[Issue]:
    if spec.kind in (KRKind.INCREASE, KRKind.DECREASE):
        return _check_start_target(spec)
    if spec.kind in (KRKind.AT_LEAST, KRKind.AT_MOST, KRKind.RATIO):
        return _check_hold(spec)
    if spec.kind is KRKind.PER_UNIT:
        return _check_per_unit(spec)
    if spec.kind is KRKind.TIERS:
        return list(check_tiers(spec.tiers))
    return []


def ensure_valid_spec(spec: KeyResultSpec) -> tuple[Issue, ...]:
    """Raise InvalidSpec on the first error (carrying all issues); return the warnings."""
    issues = validate_spec(spec)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise InvalidSpec(errors[0].code, errors[0].params, issues=issues)
    return issues
