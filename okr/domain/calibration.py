"""Calibration: grade quotas, ranking, and consecutive low results.

* Quotas: a grade label may be limited to a fraction of a group (e.g. 优秀 at most 0.2 of a
  department).  The allowed count is ``floor(group size x fraction)``: never rounded up, so
  a group of 4 with a 20 % quota allows 0 and a group of 5 allows 1.  A quota is exceeded
  when more people than allowed hold the grade.
* Ranking: standard competition ranking on the exact composite, highest first; ties share
  a rank and the next rank skips (1, 2, 2, 4).  Ties are listed by key for a stable order.
  Ranking uses exact values: 89.995 ranks below 90 even though both display as 90.00.
* Consecutive low: over a person's cycles (oldest first), the trailing run of low cycles
  ending with the newest is counted; a cycle is low when its score is below the rule's
  threshold (``<``, or ``<=`` with ``inclusive``) or its grade is in the rule's grade set.
  A cycle without a result breaks the run.  Flagged when the run reaches ``cycles``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from okr.domain.errors import InvalidCalibration
from okr.domain.numbers import ONE, ZERO, Number, fmt, in_domain_context, to_decimal
from okr.domain.steps import Step


@dataclass(frozen=True)
class QuotaLine:
    """One grade's quota in one group: how many hold it, how many may, and the verdict."""

    label: str
    count: int
    fraction: Decimal
    allowed: int
    exceeded: bool


@dataclass(frozen=True)
class QuotaResult:
    """All quota lines of a group and the labels over quota."""

    group_size: int
    lines: tuple[QuotaLine, ...]
    exceeded: tuple[str, ...]
    steps: tuple[Step, ...]


def _allowed(label: str, raw: Number, size: int) -> tuple[Decimal, int]:
    """A quota's fraction (checked) and how many of a group of `size` may hold the grade."""
    fraction = to_decimal(raw)
    if fraction < ZERO or fraction > ONE:
        raise InvalidCalibration(
            "quota.fraction_out_of_range", {"label": label, "fraction": fmt(fraction)}
        )
    return fraction, int((Decimal(size) * fraction).to_integral_value(rounding=ROUND_FLOOR))


@in_domain_context
def check_quotas(grades: Sequence[str], quotas: Mapping[str, Number]) -> QuotaResult:
    """Per quota label: allowed = floor(group size x fraction); exceeded when count > allowed."""
    size = len(grades)
    lines: list[QuotaLine] = []
    steps: list[Step] = []
    for label, raw in quotas.items():
        fraction, allowed = _allowed(label, raw, size)
        count = sum(1 for g in grades if g == label)
        line = QuotaLine(label, count, fraction, allowed, count > allowed)
        lines.append(line)
        steps.append(
            Step.of("quota.allowed", label=label, size=size, fraction=fraction, allowed=allowed)
        )
        code = "quota.exceeded" if line.exceeded else "quota.within"
        steps.append(Step.of(code, label=label, count=count, allowed=allowed))
    exceeded = tuple(line.label for line in lines if line.exceeded)
    return QuotaResult(size, tuple(lines), exceeded, tuple(steps))


@in_domain_context
def over_quota(counts: Mapping[str, int], size: int, quotas: Mapping[str, Number]) -> bool:
    """check_quotas' verdict from a group's counts alone (its size, how many hold each grade):
    whether any grade is held by more than its quota allows. For ordering many groups, where
    building each one's lines and steps is the cost."""
    return any(
        counts.get(label, 0) > _allowed(label, raw, size)[1] for label, raw in quotas.items()
    )


@dataclass(frozen=True)
class Ranked:
    """One ranked entry."""

    key: str
    score: Decimal
    rank: int


@in_domain_context
def rank(scores: Mapping[str, Number]) -> tuple[Ranked, ...]:
    """Standard competition ranking by score, highest first; ties share a rank (1, 2, 2, 4)."""
    parsed = sorted(((to_decimal(v), k) for k, v in scores.items()), key=lambda p: (-p[0], p[1]))
    ranked: list[Ranked] = []
    for position, (score, key) in enumerate(parsed, start=1):
        same = ranked and ranked[-1].score == score
        ranked.append(Ranked(key, score, ranked[-1].rank if same else position))
    return tuple(ranked)


@dataclass(frozen=True)
class CycleOutcome:
    """One cycle's result for a person; both None when there was no appraisal."""

    score: Decimal | None = None
    grade: str | None = None

    @classmethod
    def of(cls, score: Number | None = None, grade: str | None = None) -> CycleOutcome:
        """Build from user values."""
        return cls(None if score is None else to_decimal(score), grade)


@dataclass(frozen=True)
class ConsecutiveLowRule:
    """N cycles in a row below a threshold and/or in a set of grades (e.g. 3 under 90)."""

    cycles: int
    below: Decimal | None = None
    inclusive: bool = False
    grades: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ConsecutiveLowResult:
    """Whether the rule fires, the trailing run length, and each cycle's verdict."""

    flagged: bool
    streak: int
    steps: tuple[Step, ...]


def _is_low(rule: ConsecutiveLowRule, outcome: CycleOutcome) -> bool:
    score, below = outcome.score, rule.below
    if (
        score is not None
        and below is not None
        and (score < below or (rule.inclusive and score == below))
    ):
        return True
    return outcome.grade is not None and outcome.grade in rule.grades


@in_domain_context
def low_run(history: Sequence[CycleOutcome], rule: ConsecutiveLowRule) -> int:
    """How many cycles in a row, ending with the newest, are low (oldest-first history)."""
    if isinstance(rule.cycles, bool) or not isinstance(rule.cycles, int) or rule.cycles < 1:
        raise InvalidCalibration("streak.bad_cycles", {"cycles": str(rule.cycles)})
    if rule.below is None and not rule.grades:
        raise InvalidCalibration("streak.rule_empty")
    streak = 0
    for outcome in reversed(history):
        if not _is_low(rule, outcome):
            break
        streak += 1
    return streak


@in_domain_context
def consecutive_low(
    history: Sequence[CycleOutcome], rule: ConsecutiveLowRule
) -> ConsecutiveLowResult:
    """Flag when the newest `rule.cycles` cycles in a row are all low (oldest-first history)."""
    streak = low_run(history, rule)
    flagged = streak >= rule.cycles
    return ConsecutiveLowResult(flagged, streak, (_streak_step(rule, streak, flagged),))


# The step names only what the rule tests: the score, the grades, or either.
_STREAK_CODES = {
    (True, "score"): "streak.flagged",
    (False, "score"): "streak.not_flagged",
    (True, "grades"): "streak.flagged_grades",
    (False, "grades"): "streak.not_flagged_grades",
    (True, "either"): "streak.flagged_either",
    (False, "either"): "streak.not_flagged_either",
}


def _streak_step(rule: ConsecutiveLowRule, streak: int, flagged: bool) -> Step:
    tests = (
        "either" if rule.grades and rule.below is not None else "grades" if rule.grades else "score"
    )
    params: dict[str, object] = {"streak": streak, "cycles": rule.cycles}
    if rule.below is not None:
        params.update(comparison="<=" if rule.inclusive else "<", threshold=fmt(rule.below))
    if rule.grades:
        params["grades"] = ", ".join(sorted(rule.grades))
    return Step.of(_STREAK_CODES[(flagged, tests)], **params)
