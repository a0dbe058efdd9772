"""Grade quotas (floor rounding), competition ranking, consecutive low results."""

from collections import Counter
from decimal import Decimal as D
from itertools import product

import pytest

from okr.domain.calibration import (
    ConsecutiveLowRule,
    CycleOutcome,
    check_quotas,
    consecutive_low,
    low_run,
    over_quota,
    rank,
)
from okr.domain.errors import InvalidCalibration, InvalidNumber
from okr.domain.steps import Step


def grades(excellent: int, others: int) -> list[str]:
    return ["优秀"] * excellent + ["良好"] * others


@pytest.mark.parametrize(
    ("size", "fraction", "excellent", "allowed", "exceeded"),
    [
        (10, "0.2", 2, 2, False),
        (10, "0.2", 3, 2, True),
        (7, "0.2", 1, 1, False),
        (7, "0.2", 2, 1, True),
        (4, "0.2", 1, 0, True),
        (4, "0.2", 0, 0, False),
        (5, "0.2", 1, 1, False),
        (9, "0.2", 2, 1, True),
        (14, "0.15", 2, 2, False),
        (3, "1", 3, 3, False),
        (3, "0", 1, 0, True),
        (0, "0.2", 0, 0, False),
    ],
    ids=[
        "ten-at-quota",
        "ten-over-quota",
        "seven-floors-1.4-to-1",
        "seven-over",
        "four-floors-0.8-to-0",
        "four-none",
        "five-exact",
        "nine-floors-1.8-to-1",
        "fourteen-floors-2.1",
        "full-quota",
        "zero-quota",
        "empty-group",
    ],
)
def test_quota_allows_floor_of_group_size_times_fraction(
    size: int, fraction: str, excellent: int, allowed: int, exceeded: bool
) -> None:
    result = check_quotas(grades(excellent, size - excellent), {"优秀": fraction})
    line = result.lines[0]
    assert (line.count, line.allowed, line.exceeded) == (excellent, allowed, exceeded)
    assert result.exceeded == (("优秀",) if exceeded else ())


def test_quota_steps_show_floor_and_verdict() -> None:
    result = check_quotas(grades(2, 5), {"优秀": "0.2"})
    assert result.steps == (
        Step("quota.allowed", {"label": "优秀", "size": "7", "fraction": "0.2", "allowed": "1"}),
        Step("quota.exceeded", {"label": "优秀", "count": "2", "allowed": "1"}),
    )


def test_several_quotas_checked_independently() -> None:
    group = ["优秀", "优秀", "良好", "良好", "良好", "合格", "合格", "合格", "合格", "不合格"]
    result = check_quotas(group, {"优秀": "0.2", "良好": "0.2", "不合格": "0.1"})
    assert result.exceeded == ("良好",)
    assert [line.allowed for line in result.lines] == [2, 2, 1]


@pytest.mark.parametrize(
    "fraction", ["-0.1", "1.5", "20"], ids=["negative", "above-one", "percent"]
)
def test_quota_fraction_outside_zero_one_refused(fraction: str) -> None:
    with pytest.raises(InvalidCalibration) as exc:
        check_quotas(["优秀"], {"优秀": fraction})
    assert exc.value.code == "quota.fraction_out_of_range"


def test_over_quota_from_counts_is_check_quotas_verdict() -> None:
    """The board orders departments by it: the same verdict as the full check, group by group."""
    quotas = {"优秀": "0.2", "良好": "0.5"}
    for top, good, rest, open_ in product(range(4), range(5), range(3), range(3)):
        grades = ["优秀"] * top + ["良好"] * good + ["合格"] * rest + [""] * open_
        counts = Counter(g for g in grades if g)
        verdict = bool(check_quotas(grades, quotas).exceeded)
        assert over_quota(counts, len(grades), quotas) is verdict, grades


def test_over_quota_refuses_a_fraction_outside_zero_one() -> None:
    with pytest.raises(InvalidCalibration) as exc:
        over_quota({"优秀": 1}, 5, {"优秀": "20"})
    assert exc.value.code == "quota.fraction_out_of_range"


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"a": "90", "b": "85", "c": "85", "d": "70"}, [("a", 1), ("b", 2), ("c", 2), ("d", 4)]),
        ({"a": "90", "b": "90", "c": "90"}, [("a", 1), ("b", 1), ("c", 1)]),
        ({"x": "70", "y": "80", "z": "75"}, [("y", 1), ("z", 2), ("x", 3)]),
        ({"a": "89.995", "b": "90"}, [("b", 1), ("a", 2)]),
        ({"a": "90.0", "b": "90"}, [("a", 1), ("b", 1)]),
        ({"d": "1", "c": "1", "b": "2", "a": "0"}, [("b", 1), ("c", 2), ("d", 2), ("a", 4)]),
        ({}, []),
        ({"solo": "50"}, [("solo", 1)]),
    ],
    ids=[
        "tie-in-middle",
        "all-tied",
        "unsorted-input",
        "exact-not-displayed-values",
        "equal-spelled-differently",
        "ties-listed-by-key",
        "empty",
        "single",
    ],
)
def test_rank_is_standard_competition_ranking(
    scores: dict[str, str], expected: list[tuple[str, int]]
) -> None:
    assert [(r.key, r.rank) for r in rank(scores)] == expected


def test_rank_keeps_exact_scores() -> None:
    assert rank({"a": "86.5"})[0].score == D("86.5")


def test_rank_refuses_non_numeric_scores() -> None:
    with pytest.raises(InvalidNumber):
        rank({"a": "high"})


Out = CycleOutcome.of
UNDER_90 = ConsecutiveLowRule(cycles=3, below=D(90))  # seed 000: 3 months < 90 -> dismissal
ENCOURAGE_2 = ConsecutiveLowRule(cycles=2, grades=frozenset({"需鼓励"}))  # warning
ENCOURAGE_3 = ConsecutiveLowRule(cycles=3, grades=frozenset({"需鼓励"}))  # no year-end bonus


@pytest.mark.parametrize(
    ("history", "rule", "flagged", "streak"),
    [
        ([Out(89), Out(85), Out("89.99")], UNDER_90, True, 3),
        ([Out(89), Out(85), Out(90)], UNDER_90, False, 0),
        ([Out(89), Out(90), Out(85), Out(80)], UNDER_90, False, 2),
        ([Out(70), Out(89), Out(85), Out(80)], UNDER_90, True, 4),
        ([Out(85), Out(80)], UNDER_90, False, 2),
        ([Out(85), Out(), Out(80), Out(70)], UNDER_90, False, 2),
        ([], UNDER_90, False, 0),
        ([Out(89), Out(85), Out(90)], ConsecutiveLowRule(3, D(90), inclusive=True), True, 3),
        ([Out(grade="需鼓励"), Out(grade="需鼓励")], ENCOURAGE_2, True, 2),
        ([Out(grade="需鼓励"), Out(grade="需鼓励")], ENCOURAGE_3, False, 2),
        ([Out(grade="需鼓励"), Out(grade="合格"), Out(grade="需鼓励")], ENCOURAGE_2, False, 1),
        ([Out(75, "需鼓励"), Out(76, "需鼓励"), Out(79, "需鼓励")], ENCOURAGE_3, True, 3),
    ],
    ids=[
        "three-months-under-90",
        "third-month-exactly-90",
        "run-broken-by-90",
        "longer-run",
        "only-two-months",
        "missing-cycle-breaks-run",
        "no-history",
        "inclusive-threshold-counts-90",
        "two-needs-encouragement-warning",
        "two-not-enough-for-three",
        "not-consecutive",
        "three-needs-encouragement",
    ],
)
def test_consecutive_low_counts_trailing_run(
    history: list[CycleOutcome], rule: ConsecutiveLowRule, flagged: bool, streak: int
) -> None:
    result = consecutive_low(history, rule)
    assert (result.flagged, result.streak) == (flagged, streak)
    assert low_run(history, rule) == streak  # the run alone, as lists over many people read it


def test_consecutive_low_step_states_rule() -> None:
    result = consecutive_low([Out(89), Out(85), Out(80)], UNDER_90)
    assert result.steps == (
        Step(
            "streak.flagged",
            {"streak": "3", "cycles": "3", "comparison": "<", "threshold": "90"},
        ),
    )


def test_consecutive_low_rule_with_score_or_grade() -> None:
    rule = ConsecutiveLowRule(2, below=D(80), grades=frozenset({"需鼓励"}))
    assert consecutive_low([Out(85, "需鼓励"), Out(79, "合格")], rule).flagged


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        (ConsecutiveLowRule(0, D(90)), "streak.bad_cycles"),
        (ConsecutiveLowRule(3), "streak.rule_empty"),
    ],
    ids=["zero-cycles", "no-threshold-no-grades"],
)
def test_consecutive_low_bad_rule_refused(rule: ConsecutiveLowRule, code: str) -> None:
    with pytest.raises(InvalidCalibration) as exc:
        consecutive_low([Out(50)], rule)
    assert exc.value.code == code
    with pytest.raises(InvalidCalibration):
        low_run([Out(50)], rule)
