"""Streak rules (seed 000): runs of cycles counted from the newest, low and high, with what follows."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from okr.domain.outcomes import When
from okr.domain.streaks import Consequence, CycleResult, StreakRule, streak_of

DISMISSAL = StreakRule("dismiss", 3, When(high=D(90)), Consequence.DISMISSAL_REVIEW)  # 连续3个月<90
WARNING = StreakRule("warn", 2, When(frozenset({"需鼓励"})), Consequence.WARNING)
STAR = StreakRule("star", 3, When(rank=3), Consequence.TITLE, title="优秀员工")


def months(*scores, grade="合格"):
    return [CycleResult(D(s), grade) for s in scores]


@pytest.mark.parametrize(
    ("scores", "run", "met"),
    [
        ((80, 85, 89.99), 3, True),
        ((95, 80, 85, 89), 3, True),
        ((80, 85, 90), 0, False),  # 90 is not < 90, and the run counts from the newest
        ((80, 91, 85, 89), 2, False),
    ],
)
def test_three_months_under_90_ask_for_a_dismissal_review(scores, run, met):
    verdict = streak_of(DISMISSAL, months(*[str(s) for s in scores]))
    assert (verdict.run, verdict.met) == (run, met)


def test_two_months_of_encouragement_give_a_warning():
    history = [CycleResult(D(70), "需鼓励"), CycleResult(D(75), "需鼓励")]
    assert streak_of(WARNING, history).met
    assert not streak_of(WARNING, history[:1]).met


def test_a_high_streak_on_the_rank_and_an_unknown_rank_ends_the_run():
    ranked = [CycleResult(D(110), "优秀", {"department": r}) for r in (2, 1, 3)]
    assert streak_of(STAR, ranked).met
    unranked = [*ranked[:2], CycleResult(D(110), "优秀", {})]
    assert streak_of(STAR, unranked).run == 0
