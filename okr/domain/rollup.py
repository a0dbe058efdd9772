"""Roll-ups: objective progress from key results, a person's OKR score, parent objectives.

* Objective progress = weighted mean of its key results' progress by KR weight; the KR
  weights of one objective must sum to 100.
* A person's OKR score = weighted mean of their objectives' progress by objective weight;
  the objective weights must sum to 100.
* A parent objective follows a ``ProgressRule``:

  - ``own_krs``: the weighted mean of its own key results;
  - ``children``: the plain mean of its aligned children's progress.  Children belong to
    different owners whose weights are set against their own other objectives, so those
    weights are not comparable across children and are deliberately ignored;
  - ``both``: the plain mean of the two figures when both exist, else whichever exists.

  Children without progress (None) are skipped and the derivation says so; when nothing
  is left the progress is None with step ``rollup.nothing``, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from okr.domain.numbers import HUNDRED, ZERO, Number, in_domain_context, to_decimal
from okr.domain.steps import Step
from okr.domain.weights import check_weights, plain_mean, weighted_mean


class ProgressRule(StrEnum):
    """Where a parent objective's progress comes from."""

    OWN_KRS = "own_krs"
    CHILDREN = "children"
    BOTH = "both"


@dataclass(frozen=True)
class WeightedValue:
    """A named progress value with its weight in percent (a KR in an objective, ...)."""

    key: str
    value: Decimal
    weight: Decimal

    @classmethod
    def of(cls, key: str, value: Number, weight: Number) -> WeightedValue:
        """Build from user values."""
        return cls(key, to_decimal(value), to_decimal(weight))


@dataclass(frozen=True)
class RollupResult:
    """A rolled-up progress fraction (None when there was nothing to roll up) with steps."""

    value: Decimal | None
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class ParentProgress:
    """A parent objective's progress under a rule, with both candidate figures shown."""

    rule: ProgressRule
    progress: Decimal | None
    own: Decimal | None
    children: Decimal | None
    steps: tuple[Step, ...]


def _weighted(items: Sequence[WeightedValue], scope: str, empty_code: str) -> RollupResult:
    if not items:
        return RollupResult(None, (Step.of(empty_code),))
    checked = check_weights([i.weight for i in items], HUNDRED, scope=scope)
    terms = tuple(Step.of("rollup.term", key=i.key, value=i.value, weight=i.weight) for i in items)
    mean = weighted_mean([(i.value, i.weight) for i in items], scope=scope)
    return RollupResult(mean.value, checked.steps + terms + mean.steps)


@in_domain_context
def objective_progress(key_results: Sequence[WeightedValue]) -> RollupResult:
    """Objective progress = weighted mean of its key results (KR weights must sum to 100)."""
    return _weighted(key_results, "key_results", "rollup.no_key_results")


@in_domain_context
def okr_score(objectives: Sequence[WeightedValue]) -> RollupResult:
    """A person's OKR score = weighted mean of their objectives (weights must sum to 100)."""
    return _weighted(objectives, "objectives", "rollup.no_objectives")


@in_domain_context
def children_progress(children: Sequence[tuple[str, Number | None]]) -> RollupResult:
    """Plain mean of the aligned children's progress; children without progress are skipped."""
    steps: list[Step] = []
    values: list[Decimal] = []
    for key, value in children:
        if value is None:
            steps.append(Step.of("rollup.child_skipped", key=key))
        else:
            steps.append(Step.of("rollup.child", key=key, value=to_decimal(value)))
            values.append(to_decimal(value))
    if not values:
        steps.append(Step.of("rollup.no_children"))
        return RollupResult(None, tuple(steps))
    mean = plain_mean(values, scope="children")
    return RollupResult(mean.value, tuple(steps) + mean.steps)


@in_domain_context
def parent_progress(
    rule: ProgressRule,
    own_key_results: Sequence[WeightedValue],
    children: Sequence[tuple[str, Number | None]],
) -> ParentProgress:
    """Parent objective progress from its own KRs, its aligned children, or both (see rule)."""
    steps: list[Step] = [Step.of("rollup.rule", rule=rule)]
    own = objective_progress(own_key_results) if rule is not ProgressRule.CHILDREN else None
    kids = children_progress(children) if rule is not ProgressRule.OWN_KRS else None
    if own is not None:
        steps.extend(own.steps)
    if kids is not None:
        steps.extend(kids.steps)
    own_value = own.value if own is not None else None
    kids_value = kids.value if kids is not None else None
    figures = [v for v in (own_value, kids_value) if v is not None]
    if not figures:
        steps.append(Step.of("rollup.nothing", rule=rule))
        return ParentProgress(rule, None, own_value, kids_value, tuple(steps))
    if len(figures) == 2:
        assert own_value is not None and kids_value is not None
        progress = (own_value + kids_value) / 2
        steps.append(Step.of("rollup.both", own=own_value, children=kids_value, progress=progress))
    else:
        progress = figures[0] + ZERO
        if rule is ProgressRule.BOTH:
            source = "own_krs" if own_value is not None else "children"
            steps.append(Step.of("rollup.only_one", source=source, progress=progress))
    return ParentProgress(rule, progress, own_value, kids_value, tuple(steps))
