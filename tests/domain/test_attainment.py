"""Key-result attainment for every kind: both directions, floors, caps 1.0 and 1.2, points."""

from decimal import Decimal as D

import pytest

from okr.domain.attainment import attainment, max_points_of
from okr.domain.errors import InvalidNumber, InvalidSpec
from okr.domain.krspec import Direction, HoldScoring, KeyResultSpec, KRKind
from okr.domain.steps import Step
from okr.domain.tiers import Tier

FOLLOWERS = KeyResultSpec.increase(50000, 60000)  # seed 001: followers 50k -> 60k
INCREASE = KeyResultSpec.increase(100, 200)
COMPLAINT_RATE = KeyResultSpec.decrease(8, "5.5")
TRIALS = KeyResultSpec.ratio(4000)  # seed 001: 4,000 trial sign-ups
PARTIAL = HoldScoring.PROPORTIONAL
ENGAGEMENT = KeyResultSpec.at_least(3, PARTIAL)  # seed 001's engagement >= 3%, partial credit
RESPONSE_TIME = KeyResultSpec.at_most(60, PARTIAL)
SATISFACTION = KeyResultSpec.per_unit(80, 1, "0.5", 10)  # +1% -> 0.5 points, at most 10
IMPRESSIONS = KeyResultSpec.per_unit(10000, 100, "0.1", 5)  # +100 -> 0.1 points, at most 5
COMPLAINTS = KeyResultSpec.per_unit(8, 1, 1, 10, Direction.DOWN)  # -1% -> 1 point, at most 10
REPLIES = KeyResultSpec.tiered(
    [
        Tier.of(None, 2500, 0),
        Tier.of(2500, 3000, 3),
        Tier.of(3000, 3500, 5),
        Tier.of(3500, None, 8, lower_inclusive=False),
    ]
)


@pytest.mark.parametrize(
    ("spec", "current", "cap", "progress"),
    [
        (INCREASE, "150", "1", D("0.5")),
        (INCREASE, "100", "1", D("0")),
        (INCREASE, "200", "1", D("1")),
        (INCREASE, "250", "1", D("1")),
        (INCREASE, "250", "1.2", D("1.2")),
        (INCREASE, "220", "1.2", D("1.2")),
        (INCREASE, "210", "1.2", D("1.1")),
        (INCREASE, "50", "1", D("0")),
        (INCREASE, "50", "1.2", D("0")),
        (FOLLOWERS, "53,000", "1", D("0.3")),
        (FOLLOWERS, "59999", "1", D("0.9999")),
        (COMPLAINT_RATE, "6.75", "1", D("0.5")),
        (COMPLAINT_RATE, "5.5", "1", D("1")),
        (COMPLAINT_RATE, "4", "1", D("1")),
        (COMPLAINT_RATE, "4", "1.2", D("1.2")),
        (COMPLAINT_RATE, "5", "1.2", D("1.2")),
        (COMPLAINT_RATE, "8", "1", D("0")),
        (COMPLAINT_RATE, "9", "1", D("0")),
        (TRIALS, "3000", "1", D("0.75")),
        (TRIALS, "4800", "1.2", D("1.2")),
        (TRIALS, "5000", "1.2", D("1.2")),
        (TRIALS, "5000", "1", D("1")),
        (TRIALS, "-10", "1", D("0")),
    ],
    ids=[
        "increase-halfway",
        "increase-at-start",
        "increase-on-target",
        "increase-over-capped-100",
        "increase-over-capped-120",
        "increase-exactly-120",
        "increase-110-under-120-cap",
        "increase-below-start-floored",
        "increase-below-start-floored-cap-120",
        "seed-followers-30-percent",
        "seed-followers-just-short",
        "decrease-halfway",
        "decrease-on-target",
        "decrease-beyond-capped-100",
        "decrease-beyond-capped-120",
        "decrease-exactly-120",
        "decrease-at-start",
        "decrease-worse-than-start-floored",
        "ratio-75",
        "ratio-exactly-120",
        "ratio-over-120-capped",
        "ratio-over-100-capped",
        "ratio-negative-floored",
    ],
)
def test_linear_kinds_floor_at_zero_and_cap(
    spec: KeyResultSpec, current: str, cap: str, progress: D
) -> None:
    result = attainment(spec, current, cap)
    assert result.progress == progress
    assert result.points is None
    assert result.has_value


def test_increase_step_shows_the_formula_values() -> None:
    assert attainment(INCREASE, 150).steps == (
        Step("kr.increase", {"start": "100", "target": "200", "current": "150", "progress": "0.5"}),
    )


def test_decrease_step_shows_the_formula_values() -> None:
    assert attainment(COMPLAINT_RATE, "6.75").steps == (
        Step("kr.decrease", {"start": "8", "target": "5.5", "current": "6.75", "progress": "0.5"}),
    )


def test_cap_step_records_raw_and_cap() -> None:
    result = attainment(INCREASE, 250, "1.2")
    assert result.steps[1] == Step(
        "progress.capped", {"raw": "1.5", "cap": "1.2", "progress": "1.2"}
    )


def test_floor_step_records_negative_raw() -> None:
    result = attainment(INCREASE, 50)
    assert result.steps[1] == Step("progress.floored", {"raw": "-0.5", "progress": "0"})


def test_division_keeps_28_significant_digits() -> None:
    result = attainment(KeyResultSpec.increase(0, 3), 1)
    assert result.progress == D("0.3333333333333333333333333333")


@pytest.mark.parametrize(
    ("spec", "current", "cap", "progress", "code"),
    [
        (ENGAGEMENT, "3", "1", D("1"), "kr.at_least_met"),
        (ENGAGEMENT, "3.5", "1.2", D("1"), "kr.at_least_met"),
        (ENGAGEMENT, "2.4", "1", D("0.8"), "kr.at_least_partial"),
        (ENGAGEMENT, "0", "1", D("0"), "kr.at_least_partial"),
        (ENGAGEMENT, "-3", "1", D("0"), "kr.at_least_partial"),
        (RESPONSE_TIME, "60", "1", D("1"), "kr.at_most_met"),
        (RESPONSE_TIME, "30", "1.2", D("1"), "kr.at_most_met"),
        (RESPONSE_TIME, "75", "1", D("0.8"), "kr.at_most_partial"),
        (RESPONSE_TIME, "120", "1", D("0.5"), "kr.at_most_partial"),
        (KeyResultSpec.at_most(0, PARTIAL), "2", "1", D("0"), "kr.at_most_partial"),
        (KeyResultSpec.at_most(0, PARTIAL), "0", "1", D("1"), "kr.at_most_met"),
    ],
    ids=[
        "at-least-exactly-met",
        "at-least-exceeded-not-over-achieved",
        "at-least-partial",
        "at-least-zero",
        "at-least-negative-floored",
        "at-most-exactly-met",
        "at-most-well-under",
        "at-most-partial",
        "at-most-double",
        "at-most-zero-target-missed",
        "at-most-zero-target-held",
    ],
)
def test_proportional_holds_met_is_one_and_partial_is_a_ratio(
    spec: KeyResultSpec, current: str, cap: str, progress: D, code: str
) -> None:
    result = attainment(spec, current, cap)
    assert result.progress == progress
    assert result.steps[0].code == code


def test_at_least_partial_step_params() -> None:
    assert attainment(ENGAGEMENT, "2.4").steps == (
        Step("kr.at_least_partial", {"current": "2.4", "target": "3", "progress": "0.8"}),
    )


def test_at_least_negative_partial_is_floored_with_step() -> None:
    steps = attainment(ENGAGEMENT, "-3").steps
    assert [s.code for s in steps] == ["kr.at_least_partial", "progress.floored"]


# Met or not met (the default) on both sides of the edge, strict and inclusive: seed 001's
# "平均互动率≥3%" (inclusive) and "内容分享率>5%" (strict); "≤ 60 s" and "< 60 s".
SHARE_RATE = KeyResultSpec.at_least(5, strict=True)
INTERACTION = KeyResultSpec.at_least(3)
WAIT = KeyResultSpec.at_most(60)
WAIT_STRICT = KeyResultSpec.at_most(60, strict=True)


@pytest.mark.parametrize(
    ("spec", "current", "progress", "code"),
    [
        (INTERACTION, "2.9", D(0), "kr.at_least_missed"),
        (INTERACTION, "3", D(1), "kr.at_least_held"),
        (INTERACTION, "3.1", D(1), "kr.at_least_held"),
        (SHARE_RATE, "4.99", D(0), "kr.above_missed"),
        (SHARE_RATE, "5", D(0), "kr.above_missed"),
        (SHARE_RATE, "5.01", D(1), "kr.above_held"),
        (WAIT, "61", D(0), "kr.at_most_missed"),
        (WAIT, "60", D(1), "kr.at_most_held"),
        (WAIT, "59", D(1), "kr.at_most_held"),
        (WAIT_STRICT, "61", D(0), "kr.below_missed"),
        (WAIT_STRICT, "60", D(0), "kr.below_missed"),
        (WAIT_STRICT, "59.9", D(1), "kr.below_held"),
        (KeyResultSpec.at_most(0), "0", D(1), "kr.at_most_held"),
        (KeyResultSpec.at_least(3), "-1", D(0), "kr.at_least_missed"),
    ],
    ids=[
        "inclusive-at-least-below",
        "inclusive-at-least-at-the-edge",
        "inclusive-at-least-above",
        "strict-at-least-below",
        "strict-at-least-at-the-edge",
        "strict-at-least-above",
        "inclusive-at-most-above",
        "inclusive-at-most-at-the-edge",
        "inclusive-at-most-below",
        "strict-at-most-above",
        "strict-at-most-at-the-edge",
        "strict-at-most-below",
        "inclusive-at-most-zero-held",
        "inclusive-at-least-negative-not-floored-step",
    ],
)
def test_pass_fail_holds_score_one_or_zero_at_the_edge_as_written(
    spec: KeyResultSpec, current: str, progress: D, code: str
) -> None:
    result = attainment(spec, current, "1.2")
    assert result.progress == progress
    assert result.steps == (
        Step(code, {"current": current, "target": str(spec.target), "progress": str(progress)}),
    )


def test_hold_kinds_score_met_or_not_met_by_default() -> None:
    spec = KeyResultSpec(KRKind.AT_LEAST, target=D(3))
    assert spec.scoring is HoldScoring.PASS_FAIL and not spec.hold_strict
    assert attainment(spec, "2.9").progress == 0
    assert KeyResultSpec.increase(1, 2).scoring is None


def test_partial_credit_below_the_line_is_exact() -> None:
    """The issue's example: 2.9 against >= 3% gives 2.9 / 3, shown as 96.7% (exact here)."""
    result = attainment(KeyResultSpec.at_least(3, PARTIAL), "2.9")
    assert result.progress == D("2.9") / D(3)
    assert result.progress == D("0.9666666666666666666666666667")


@pytest.mark.parametrize(
    ("current", "progress", "code"),
    [
        (True, D(1), "kr.milestone_done"),
        (False, D(0), "kr.milestone_not_done"),
        (1, D(1), "kr.milestone_done"),
        ("0", D(0), "kr.milestone_not_done"),
    ],
    ids=["true", "false", "one", "zero-text"],
)
def test_milestone_done_is_one_else_zero(current: bool | int | str, progress: D, code: str) -> None:
    result = attainment(KeyResultSpec.milestone(), current, "1.2")
    assert result.progress == progress
    assert result.steps == (Step(code, {"progress": str(progress)}),)


@pytest.mark.parametrize("current", [2, "0.5", -1], ids=["two", "half", "negative"])
def test_milestone_refuses_other_values(current: int | str) -> None:
    with pytest.raises(InvalidNumber) as exc:
        attainment(KeyResultSpec.milestone(), current)
    assert exc.value.code == "attain.milestone_value"


@pytest.mark.parametrize(
    ("spec", "current", "points", "progress"),
    [
        (SATISFACTION, "85.7", D("2.5"), D("0.25")),
        (SATISFACTION, "80.99", D("0"), D("0")),
        (SATISFACTION, "81", D("0.5"), D("0.05")),
        (SATISFACTION, "100", D("10"), D("1")),
        (SATISFACTION, "101", D("10"), D("1")),
        (SATISFACTION, "79", D("0"), D("0")),
        (IMPRESSIONS, "12345", D("2.3"), D("0.46")),
        (IMPRESSIONS, "10099", D("0"), D("0")),
        (IMPRESSIONS, "15099", D("5"), D("1")),
        (IMPRESSIONS, "16000", D("5"), D("1")),
        (COMPLAINTS, "5.5", D("2"), D("0.2")),
        (COMPLAINTS, "7", D("1"), D("0.1")),
        (COMPLAINTS, "8.5", D("0"), D("0")),
        (COMPLAINTS, "-5", D("10"), D("1")),
    ],
    ids=[
        "satisfaction-5-whole-steps",
        "satisfaction-under-one-step",
        "satisfaction-exactly-one-step",
        "satisfaction-exactly-max",
        "satisfaction-over-max-capped",
        "satisfaction-down-no-negative-points",
        "impressions-23-steps",
        "impressions-99-short-of-a-step",
        "impressions-exactly-max",
        "impressions-over-max-capped",
        "complaints-down-2-steps",
        "complaints-down-exactly-one-step",
        "complaints-went-up-no-points",
        "complaints-far-down-capped",
    ],
)
def test_per_unit_counts_whole_steps_and_caps_points(
    spec: KeyResultSpec, current: str, points: D, progress: D
) -> None:
    result = attainment(spec, current)
    assert result.points == points
    assert result.max_points == spec.max_points
    assert result.progress == progress


def test_per_unit_up_steps_show_whole_steps_and_cap() -> None:
    result = attainment(SATISFACTION, "101")
    assert result.steps == (
        Step(
            "kr.per_unit_up",
            {
                "start": "80",
                "current": "101",
                "moved": "21",
                "step": "1",
                "whole_steps": "21",
                "points_per_step": "0.5",
                "points": "10.5",
            },
        ),
        Step("points.capped", {"raw": "10.5", "max_points": "10"}),
        Step("kr.points_progress", {"points": "10", "max_points": "10", "progress": "1"}),
    )


def test_per_unit_down_step_uses_start_minus_current() -> None:
    result = attainment(COMPLAINTS, "8.5")
    assert result.steps[0].code == "kr.per_unit_down"
    assert result.steps[0].params["moved"] == "-0.5"
    assert result.steps[0].params["whole_steps"] == "0"


@pytest.mark.parametrize(
    ("current", "points", "progress", "code"),
    [
        ("2499", D(0), D(0), "kr.tier_matched"),
        ("2500", D(3), D("0.375"), "kr.tier_matched"),
        ("2999.5", D(3), D("0.375"), "kr.tier_matched"),
        ("3000", D(5), D("0.625"), "kr.tier_matched"),
        ("3500", D(0), D(0), "kr.tier_no_match"),
        ("3501", D(8), D(1), "kr.tier_matched"),
    ],
    ids=["under-2500", "exactly-2500", "just-under-3000", "exactly-3000", "gap-3500", "over-3500"],
)
def test_tiers_score_the_containing_tier(current: str, points: D, progress: D, code: str) -> None:
    result = attainment(REPLIES, current, "1.2")
    assert result.points == points
    assert result.max_points == D(8)
    assert result.progress == progress
    assert result.steps[0].code == code


def test_tier_gap_says_no_tier_and_carries_warning() -> None:
    result = attainment(REPLIES, 3500)
    assert result.steps == (
        Step("kr.tier_no_match", {"current": "3500", "points": "0"}),
        Step("kr.points_progress", {"points": "0", "max_points": "8", "progress": "0"}),
    )
    assert [w.code for w in result.warnings] == ["spec.tiers_gap"]


def test_tier_match_step_names_the_tier() -> None:
    step = attainment(REPLIES, 2800).steps[0]
    assert step == Step(
        "kr.tier_matched", {"current": "2800", "tier": "[2500, 3000)", "points": "3"}
    )


@pytest.mark.parametrize(
    ("spec", "points"),
    [
        (INCREASE, None),
        (ENGAGEMENT, None),
        (KeyResultSpec.milestone(), None),
        (SATISFACTION, D(0)),
        (REPLIES, D(0)),
    ],
    ids=["increase", "at-least", "milestone", "per-unit", "tiers"],
)
def test_no_value_yet_is_progress_zero_with_step(spec: KeyResultSpec, points: D | None) -> None:
    result = attainment(spec, None)
    assert result.progress == D(0)
    assert result.points == points
    assert not result.has_value
    assert result.steps == (Step("kr.no_value", {"progress": "0"}),)


@pytest.mark.parametrize("cap", ["0.9", "0", -1], ids=["ninety-percent", "zero", "negative"])
def test_cap_below_one_refused(cap: str | int) -> None:
    with pytest.raises(InvalidNumber) as exc:
        attainment(INCREASE, 150, cap)
    assert exc.value.code == "attain.cap_below_one"


def test_invalid_spec_refused_before_scoring() -> None:
    with pytest.raises(InvalidSpec) as exc:
        attainment(KeyResultSpec.increase(100, 100), 150)
    assert exc.value.code == "spec.increase_start_equals_target"


def test_non_numeric_current_refused() -> None:
    with pytest.raises(InvalidNumber) as exc:
        attainment(INCREASE, "lots")
    assert exc.value.code == "number.invalid"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(SATISFACTION, D(10)), (REPLIES, D(8)), (INCREASE, None)],
    ids=["per-unit-max", "best-tier", "ratio-kind"],
)
def test_max_points_of(spec: KeyResultSpec, expected: D | None) -> None:
    assert max_points_of(spec) == expected


def test_result_kind_is_reported() -> None:
    assert attainment(REPLIES, 1).kind is KRKind.TIERS
