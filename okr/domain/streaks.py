"""Streak rules: N cycles in a row that meet a condition, and what follows (seed 000).

"连续两个月被评为需鼓励员工将被警告、三个月被评为需鼓励员工将取消年终奖金资格" (two months 需鼓励:
a warning; three: no year-end bonus), "连续 3 个月度个人考核<90分,将进行解聘" (a dismissal
review), "连续三个月被评为前三名优秀员工将被授予“优秀员工”" (a title, a high streak). A rule's
condition is an outcome condition (okr.domain.outcomes.When: a grade, a score range, or a rank
in the department or the company); the run is counted from the newest cycle back, and a cycle
whose rank is not known yet ends the run (never counted as met).

An absent rule counts the cycles in a row in which an outcome rule (by key) did not apply: seed
003's "6个月一次未获得的编辑,减1分" (six months without the 月度奖: −1 point). A cycle in which
that outcome still waits for the ranking ends the run, as an unknown rank does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from okr.domain.errors import InvalidTemplate
from okr.domain.outcomes import SCOPES, When
from okr.domain.steps import Step


class Consequence(StrEnum):
    WARNING = "warning"
    NO_YEAR_END_BONUS = "no_year_end_bonus"
    DISMISSAL_REVIEW = "dismissal_review"
    TITLE = "title"  # e.g. 优秀员工, its words in the rule's `title`
    POINTS = "points"  # points carried to the next period, `points` signed


@dataclass(frozen=True)
class StreakRule:
    key: str
    cycles: int
    when: When
    consequence: Consequence
    points: Decimal | None = None
    title: str = ""
    absent: bool = False  # counts the cycles in which the outcome rule `outcome` did not apply
    outcome: str = ""


@dataclass(frozen=True)
class CycleResult:
    """One cycle's final result of a person: score, grade, and rank per scope (None: unknown)."""

    score: Decimal | None
    grade: str | None
    ranks: Mapping[str, int | None] = field(default_factory=dict)
    outcomes: frozenset[str] = frozenset()  # the keys of the outcome rules that applied
    pending: frozenset[str] = frozenset()  # those that wait for the ranking


@dataclass(frozen=True)
class StreakVerdict:
    rule: StreakRule
    run: int
    met: bool
    step: Step


def validate_streaks(
    rules: Sequence[StreakRule], grades: Sequence[str], outcomes: Sequence[str] = ()
) -> None:
    """Unique keys, at least 2 cycles, one known condition (or, for an absent rule, a known
    outcome rule and no condition), points for a points consequence and words for a title."""
    seen: set[str] = set()
    for rule in rules:
        where = {"streak": rule.key}
        if rule.key in seen:
            raise InvalidTemplate("streak.duplicate", where)
        seen.add(rule.key)
        if rule.cycles < 2:
            raise InvalidTemplate("streak.too_short", {**where, "cycles": str(rule.cycles)})
        when = rule.when
        if rule.absent:
            if when != When():
                raise InvalidTemplate("streak.absent_when", where)
            if rule.outcome not in outcomes:
                raise InvalidTemplate("streak.unknown_outcome", {**where, "outcome": rule.outcome})
        elif sum((bool(when.grades), when.on_score, when.rank is not None)) != 1:
            raise InvalidTemplate("streak.one_condition", where)
        for grade in sorted(when.grades - set(grades)):
            raise InvalidTemplate("streak.unknown_grade", {**where, "label": grade})
        if when.rank is not None and (when.rank < 1 or when.scope not in SCOPES):
            raise InvalidTemplate("streak.bad_rank", {**where, "rank": str(when.rank)})
        if (rule.consequence is Consequence.POINTS) != (
            rule.points is not None and rule.points != 0
        ):
            raise InvalidTemplate("streak.points", where)
        if rule.consequence is Consequence.TITLE and not rule.title.strip():
            raise InvalidTemplate("streak.title", where)


def counts(rule: StreakRule, result: CycleResult) -> bool:
    """Whether one cycle's result counts towards the rule's run (unknown: it does not)."""
    if rule.absent:
        return rule.outcome not in result.outcomes and rule.outcome not in result.pending
    return rule.when.holds(result.score, result.grade, result.ranks) is True


def streak_of(rule: StreakRule, history: Sequence[CycleResult]) -> StreakVerdict:
    """How many cycles in a row, ending with the newest (history oldest first), meet the rule's
    condition, and whether that reaches its length."""
    run = 0
    for result in reversed(history):
        if not counts(rule, result):
            break
        run += 1
    met = run >= rule.cycles
    params: dict[str, object] = {"streak": rule.key, "run": run, "cycles": rule.cycles}
    if met:
        step = Step.of("streak.rule_met", consequence=rule.consequence.value, **params)
    else:
        step = Step.of("streak.rule_not_met", **params)
    return StreakVerdict(rule, run, met, step)
