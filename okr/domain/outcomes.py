"""Outcome rules (奖惩): what a result earns or costs, by grade, score range or rank.

The seeds pay and fine on results: "每月分数排名第一名者奖励现金100元" (rank 1 in the department),
"超过108分奖励50-200元，低于65分惩处50-200元" (a score range, an amount set within a range),
"TOP1:奖励8分、TOP2:奖励6分、TOP3:奖励3分" (ranks giving points), 绩效系数 by grade (a bonus
multiplier for payroll). A rule has one condition and gives one thing:

* conditions: ``grade`` (one of the labels), ``score`` (above / at least / below / at most a
  threshold, and both ends for a range), ``rank`` (at most N in the department or the company),
  ``highest`` (the highest value of one scorecard indicator, `section.indicator`, in the
  department or the company: "最高互动率奖金"; every result that ties at the top earns it);
* what it gives: ``money`` (yuan: an amount, or a range HR settles within), ``points`` (carried
  to the next period or the year, as the scheme says), or a ``coefficient`` (绩效系数).

Every rule whose condition holds applies, each with the step that says why; a rule that needs a
rank the result does not have yet (before ranking) is listed as pending, never as not earned; so
is a highest-value rule, decided among the ranked results only. A result without a value for the
indicator does not earn it (a missing value is never the highest).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from okr.domain.errors import InvalidTemplate
from okr.domain.numbers import fmt
from okr.domain.steps import Step


class Gives(StrEnum):
    MONEY = "money"
    POINTS = "points"
    COEFFICIENT = "coefficient"


SCOPES = ("department", "company")


@dataclass(frozen=True)
class When:
    """The condition: a grade among `grades`, a score within bounds, or a rank up to `rank`."""

    grades: frozenset[str] = frozenset()
    low: Decimal | None = None  # the score is above (or at least, when low_inclusive) this
    low_inclusive: bool = True
    high: Decimal | None = None  # the score is below (or at most, when high_inclusive) this
    high_inclusive: bool = False
    rank: int | None = None
    scope: str = "department"
    highest: str | None = None  # `section.indicator`: the highest value in the scope earns it

    @property
    def on_score(self) -> bool:
        return self.low is not None or self.high is not None

    def holds(
        self, score: Decimal | None, grade: str | None, ranks: Mapping[str, int | None]
    ) -> bool | None:
        """Whether a result meets the condition; None when it needs a rank not given yet."""
        if self.grades:
            return grade in self.grades
        if self.on_score:
            return score is not None and _score_holds(self, score)
        rank = ranks.get(self.scope)
        return None if rank is None else self.rank is not None and rank <= self.rank


@dataclass(frozen=True)
class OutcomeRule:
    """One 奖惩 rule: when it applies and what it gives (an amount, or a range to settle in)."""

    key: str
    when: When
    gives: Gives
    amount: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True)
class Outcome:
    """A rule that applies to one result (`pending` when it waits for the ranking)."""

    rule: OutcomeRule
    pending: bool
    step: Step


def validate_outcomes(
    rules: Sequence[OutcomeRule], grades: Sequence[str], indicators: Collection[str] = ()
) -> None:
    """Unique keys; one condition each, on known grades, bounds in order, ranks from 1, the
    highest value of a known indicator (`section.indicator`); an amount or a range low to high."""
    seen: set[str] = set()
    for rule in rules:
        where = {"outcome": rule.key}
        if rule.key in seen:
            raise InvalidTemplate("outcome.duplicate", where)
        seen.add(rule.key)
        when = rule.when
        conditions = (bool(when.grades), when.on_score, when.rank is not None)
        if sum((*conditions, when.highest is not None)) != 1:
            raise InvalidTemplate("outcome.one_condition", where)
        for grade in sorted(when.grades - set(grades)):
            raise InvalidTemplate("outcome.unknown_grade", {**where, "label": grade})
        if when.low is not None and when.high is not None and when.low >= when.high:
            raise InvalidTemplate(
                "outcome.bounds", {**where, "low": fmt(when.low), "high": fmt(when.high)}
            )
        if when.rank is not None and (when.rank < 1 or when.scope not in SCOPES):
            raise InvalidTemplate("outcome.bad_rank", {**where, "rank": str(when.rank)})
        if when.highest is not None and (
            when.highest not in indicators or when.scope not in SCOPES
        ):
            raise InvalidTemplate("outcome.unknown_indicator", {**where, "ref": when.highest})
        ranged = rule.low is not None and rule.high is not None
        if (rule.amount is None) == (not ranged) or (ranged and rule.low >= rule.high):  # type: ignore[operator]
            raise InvalidTemplate("outcome.amount", where)


def _score_holds(when: When, score: Decimal) -> bool:
    if when.low is not None and not (score >= when.low if when.low_inclusive else score > when.low):
        return False
    return when.high is None or (score <= when.high if when.high_inclusive else score < when.high)


def _gives(rule: OutcomeRule) -> dict[str, object]:
    if rule.amount is not None:
        return {"gives": rule.gives.value, "amount": rule.amount}
    return {"gives": rule.gives.value, "amount": f"{fmt(rule.low)}…{fmt(rule.high)}"}  # type: ignore[arg-type]


def _rank_outcome(rule: OutcomeRule, ranks: Mapping[str, int | None]) -> Outcome | None:
    when = rule.when
    rank = ranks.get(when.scope)
    if rank is None:
        step = Step.of("outcome.rank_pending", outcome=rule.key, scope=when.scope, top=when.rank)
        return Outcome(rule, True, step)
    if when.rank is not None and rank <= when.rank:
        params = {"scope": when.scope, "rank": rank, "top": when.rank, **_gives(rule)}
        return Outcome(rule, False, Step.of("outcome.rank", outcome=rule.key, **params))
    return None


@dataclass(frozen=True)
class Highest:
    """For a highest-value rule: the result's own value of the indicator and the highest value
    among the ranked results of its scope (either None when there is none)."""

    value: Decimal | None
    top: Decimal | None


def _highest_outcome(
    rule: OutcomeRule, highest: Mapping[tuple[str, str], Highest]
) -> Outcome | None:
    when = rule.when
    ref = when.highest or ""
    found = highest.get((ref, when.scope))
    if found is None:
        step = Step.of("outcome.highest_pending", outcome=rule.key, indicator=ref, scope=when.scope)
        return Outcome(rule, True, step)
    if found.value is None or found.top is None or found.value < found.top:
        return None
    params = {"indicator": ref, "scope": when.scope, "value": found.value, **_gives(rule)}
    return Outcome(rule, False, Step.of("outcome.highest", outcome=rule.key, **params))


def outcomes_for(
    rules: Sequence[OutcomeRule],
    score: Decimal | None,
    grade: str | None,
    ranks: Mapping[str, int | None],
    highest: Mapping[tuple[str, str], Highest] | None = None,
) -> list[Outcome]:
    """The rules that apply to a result (score, grade, and its rank per scope, None = not
    ranked yet), in the template's order. `highest` maps (indicator, scope) to the result's
    value and the scope's top value once ranked; a rule whose pair is absent is pending."""
    found: list[Outcome] = []
    for rule in rules:
        when, gives = rule.when, _gives(rule)
        if when.grades and grade in when.grades:
            step = Step.of("outcome.grade", outcome=rule.key, label=grade, **gives)
            found.append(Outcome(rule, False, step))
        elif when.on_score and score is not None and _score_holds(when, score):
            step = Step.of("outcome.score", outcome=rule.key, score=score, **gives)
            found.append(Outcome(rule, False, step))
        elif when.rank is not None:
            ranked = _rank_outcome(rule, ranks)
            if ranked is not None:
                found.append(ranked)
        elif when.highest is not None:
            top = _highest_outcome(rule, highest or {})
            if top is not None:
                found.append(top)
    return found
