"""Roll-ups over cycles (seed 003): the mean or sum of the monthly results, missing months
stated, exact decimals, and the year-end bonuses per month."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from okr.domain.cycle_rollup import (
    CycleResult,
    CycleRollup,
    Of,
    YearEndBonus,
    roll_up,
    validate_rollup,
)
from okr.domain.errors import InvalidTemplate
from okr.domain.explain import describe

AWARD = YearEndBonus("award", D(4), outcome="monthly_award")  # 获得月度奖，年度综合分加4分
TOP3 = YearEndBonus("top3", D(2), top=3)  # 入TOP3加2分


def months(*scores: str, **extra) -> list[CycleResult]:
    return [CycleResult(f"2026-{i:02d}", D(s), **extra) for i, s in enumerate(scores, start=1)]


def test_the_mean_of_twelve_months_is_exact_and_shows_every_month():
    scores = ["90", "85.5", "88", "92", "79", "81", "95", "90", "87", "86", "93", "84"]
    result = roll_up("monthly", CycleRollup("new-media-monthly"), months(*scores))
    assert result.value == D("1050.5") / 12
    assert result.count == 12
    step = result.steps[0]
    assert step.code == "cycle_rollup.mean"
    assert step.params["count"] == "12"
    assert step.params["terms"].startswith("90 + 85.5 + 88")
    assert step.params["cycles"].startswith("2026-01、2026-02")
    assert step.params["value"] == "87.54166666666666666666666667"
    assert describe(step.code, step.params).startswith("monthly: mean of the 12 results")


def test_a_mean_is_over_the_months_present_and_says_how_many():
    results = [CycleResult("2026-01", D("80")), CycleResult("2026-03", D("91"))]
    result = roll_up("monthly", CycleRollup("m"), results)
    assert result.value == D("85.5")
    assert result.count == 2
    assert result.steps[0].params["cycles"] == "2026-01、2026-03"


def test_the_sum_adds_the_results_exactly():
    result = roll_up("q", CycleRollup("quarterly", Of.SUM), months("0.1", "0.2", "0.3", "0.4"))
    assert result.value == D("1.0")
    assert result.steps[0].code == "cycle_rollup.sum"
    assert result.steps[0].params["terms"] == "0.1 + 0.2 + 0.3 + 0.4"


def test_no_result_leaves_the_part_missing_never_zero():
    result = roll_up("monthly", CycleRollup("m", bonuses=(AWARD,)), [])
    assert result.value is None
    assert result.count == 0
    assert [s.code for s in result.steps] == ["cycle_rollup.missing"]


def test_bonuses_count_each_month_the_award_or_the_top3_was_earned():
    results = [
        CycleResult("2026-01", D(90), frozenset({"monthly_award"}), 1),
        CycleResult("2026-02", D(80), frozenset(), 3),
        CycleResult("2026-03", D(85), frozenset({"monthly_award"}), 4),
        CycleResult("2026-04", D(70), frozenset(), None),  # not ranked: no TOP3
    ]
    result = roll_up("monthly", CycleRollup("m", bonuses=(AWARD, TOP3)), results)
    assert result.bonus == D(4) * 2 + D(2) * 2
    award, top3 = result.steps[1:]
    assert award.params == {
        "bonus": "award",
        "count": "2",
        "cycles": "2026-01、2026-03",
        "points": "4",
        "raw": "8",
    }
    assert top3.params["cycles"] == "2026-01、2026-02"


def test_a_bonus_is_capped_only_by_its_own_cap():
    capped = YearEndBonus("award", D("4"), outcome="a", cap=D("10"))
    results = months("90", "91", "92", outcomes=frozenset({"a"}))
    result = roll_up("monthly", CycleRollup("m", bonuses=(capped,)), results)
    assert result.bonus == D(10)
    assert result.steps[1].code == "cycle_rollup.bonus_capped"
    uncapped = roll_up("monthly", CycleRollup("m", bonuses=(AWARD,)), months("90", "91", "92"))
    assert uncapped.bonus == 0
    assert uncapped.steps[1].code == "cycle_rollup.bonus_none"


def test_a_deduction_bonus_is_capped_on_its_side():
    penalty = YearEndBonus("late", D("-1"), outcome="late", cap=D("2"))
    results = months("90", "91", "92", outcomes=frozenset({"late"}))
    assert roll_up("m", CycleRollup("m", bonuses=(penalty,)), results).bonus == D(-2)


@pytest.mark.parametrize(
    ("rollup", "code"),
    [
        (CycleRollup(" "), "cycle_rollup.no_family"),
        (CycleRollup("m", cycles="before"), "cycle_rollup.cycles"),
        (CycleRollup("m", bonuses=(AWARD, AWARD)), "cycle_rollup.duplicate_bonus"),
        (CycleRollup("m", bonuses=(YearEndBonus("b", D(1)),)), "cycle_rollup.bonus_condition"),
        (
            CycleRollup("m", bonuses=(YearEndBonus("b", D(1), outcome="a", top=3),)),
            "cycle_rollup.bonus_condition",
        ),
        (CycleRollup("m", bonuses=(YearEndBonus("b", D(1), top=0),)), "cycle_rollup.bonus_top"),
        (CycleRollup("m", bonuses=(YearEndBonus("b", D(0), top=3),)), "cycle_rollup.bonus_points"),
        (
            CycleRollup("m", bonuses=(YearEndBonus("b", D(1), top=3, cap=D(0)),)),
            "cycle_rollup.bonus_cap",
        ),
    ],
)
def test_malformed_rollups_are_refused(rollup, code):
    with pytest.raises(InvalidTemplate) as caught:
        validate_rollup(rollup)
    assert caught.value.code == code
    assert describe(code, caught.value.params)
