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


# Absent rules: "6个月一次未获得的编辑,减1分" (seed 003) ----------------------------------------

NO_AWARD = StreakRule(
    "no_award", 6, When(), Consequence.POINTS, D(-1), absent=True, outcome="monthly_award"
)


def _awards(*won):
    return [
        CycleResult(D(80), "合格", outcomes=frozenset({"monthly_award"} if w else ())) for w in won
    ]


@pytest.mark.parametrize(
    ("won", "run", "met"),
    [
        ((0, 0, 0, 0, 0, 0), 6, True),
        ((1, 0, 0, 0, 0, 0, 0), 6, True),
        ((0, 0, 0, 0, 0), 5, False),  # five months: one short of six
        ((0, 0, 0, 0, 0, 1), 0, False),  # the award in the newest month ends it
        ((0, 0, 0, 1, 0, 0, 0, 0, 0), 5, False),
    ],
)
def test_six_months_without_the_monthly_award_cost_a_point(won, run, met):
    verdict = streak_of(NO_AWARD, _awards(*won))
    assert (verdict.run, verdict.met) == (run, met)


def test_an_award_still_waiting_for_the_ranking_ends_an_absent_run():
    history = [
        *_awards(0, 0, 0, 0, 0),
        CycleResult(D(80), "合格", pending=frozenset({"monthly_award"})),
    ]
    assert streak_of(NO_AWARD, history).run == 0


def test_other_outcomes_do_not_end_an_absent_run():
    other = CycleResult(D(80), "合格", outcomes=frozenset({"top3_bonus"}))
    assert streak_of(NO_AWARD, [other] * 6).met


def test_a_high_score_streak_meets_at_its_exact_edge():
    high = StreakRule("high", 2, When(low=D(108)), Consequence.TITLE, title="优秀员工")
    assert streak_of(high, months("108", "108")).met  # at_least: exactly 108 counts
    assert not streak_of(high, months("108", "107.99")).met


def test_a_company_rank_streak_reads_the_company_rank():
    rule = StreakRule("co", 2, When(rank=1, scope="company"), Consequence.WARNING)
    ranked = [CycleResult(D(99), "合格", {"department": 1, "company": c}) for c in (1, 1)]
    assert streak_of(rule, ranked).met
    assert not streak_of(
        rule, [*ranked[:1], CycleResult(D(99), "合格", {"department": 1, "company": 2})]
    ).met
