"""Objective progress, OKR score and parent progress under each rule."""

from decimal import Decimal as D

import pytest

from okr.domain.errors import WeightsDoNotSum
from okr.domain.rollup import (
    ProgressRule,
    WeightedValue,
    children_progress,
    objective_progress,
    okr_score,
    parent_progress,
)
from okr.domain.steps import Step

W = WeightedValue.of

# Seed 001 social-media role: followers (30%), engagement (40%), campaign ROI (30%).
SOCIAL_KRS = [W("followers", "0.3", 30), W("engagement", "1", 40), W("roi", "0.5", 30)]


def test_objective_progress_is_weighted_mean_of_krs() -> None:
    result = objective_progress(SOCIAL_KRS)
    assert result.value == D("0.64")
    assert [s.code for s in result.steps] == [
        "weights.sum",
        "rollup.term",
        "rollup.term",
        "rollup.term",
        "mean.weighted",
    ]
    assert result.steps[1] == Step(
        "rollup.term", {"key": "followers", "value": "0.3", "weight": "30"}
    )


def test_objective_progress_with_over_achievement() -> None:
    assert objective_progress([W("a", "1.2", 50), W("b", "0.8", 50)]).value == D("1")


def test_objective_with_kr_weights_not_summing_to_100_refused() -> None:
    with pytest.raises(WeightsDoNotSum) as exc:
        objective_progress([W("a", "1", 60), W("b", "1", 50)])
    assert exc.value.params["sum"] == "110"
    assert exc.value.params["scope"] == "key_results"


def test_objective_without_krs_has_no_progress() -> None:
    result = objective_progress([])
    assert result.value is None
    assert result.steps == (Step("rollup.no_key_results"),)


@pytest.mark.parametrize(
    ("objectives", "expected"),
    [
        ([W("o1", "0.64", 60), W("o2", "0.9", 40)], D("0.744")),
        ([W("o1", "1", 100)], D("1")),
        ([W("o1", "0", 50), W("o2", "0", 50)], D("0")),
    ],
    ids=["two-objectives", "one-objective", "nothing-done"],
)
def test_okr_score_is_weighted_mean_of_objectives(
    objectives: list[WeightedValue], expected: D
) -> None:
    assert okr_score(objectives).value == expected


def test_okr_score_refuses_objective_weights_off_100() -> None:
    with pytest.raises(WeightsDoNotSum) as exc:
        okr_score([W("o1", "1", 50), W("o2", "1", 40)])
    assert exc.value.params == {
        "scope": "objectives",
        "weights": "50 + 40",
        "sum": "90",
        "expected": "100",
    }


def test_okr_score_of_no_objectives_is_none() -> None:
    assert okr_score([]).steps == (Step("rollup.no_objectives"),)


def test_children_progress_is_plain_mean_ignoring_weights() -> None:
    result = children_progress([("alice", "0.5"), ("bob", "1"), ("carol", None)])
    assert result.value == D("0.75")
    assert result.steps[:3] == (
        Step("rollup.child", {"key": "alice", "value": "0.5"}),
        Step("rollup.child", {"key": "bob", "value": "1"}),
        Step("rollup.child_skipped", {"key": "carol"}),
    )


OWN = [W("kr1", "0.4", 50), W("kr2", "0.8", 50)]  # own progress 0.6
KIDS = [("dept-a", "0.9"), ("dept-b", "0.7")]  # children progress 0.8


@pytest.mark.parametrize(
    ("rule", "own", "kids", "progress", "own_value", "kids_value"),
    [
        (ProgressRule.OWN_KRS, OWN, KIDS, D("0.6"), D("0.6"), None),
        (ProgressRule.CHILDREN, OWN, KIDS, D("0.8"), None, D("0.8")),
        (ProgressRule.BOTH, OWN, KIDS, D("0.7"), D("0.6"), D("0.8")),
        (ProgressRule.BOTH, [], KIDS, D("0.8"), None, D("0.8")),
        (ProgressRule.BOTH, OWN, [], D("0.6"), D("0.6"), None),
        (ProgressRule.BOTH, OWN, [("dept-a", None)], D("0.6"), D("0.6"), None),
        (ProgressRule.OWN_KRS, [], KIDS, None, None, None),
        (ProgressRule.CHILDREN, OWN, [], None, None, None),
        (ProgressRule.BOTH, [], [], None, None, None),
    ],
    ids=[
        "own-krs",
        "children",
        "both-averaged",
        "both-only-children",
        "both-only-own",
        "both-child-without-progress",
        "own-krs-but-none",
        "children-but-none",
        "both-nothing",
    ],
)
def test_parent_progress_by_rule(
    rule: ProgressRule,
    own: list[WeightedValue],
    kids: list[tuple[str, str | None]],
    progress: D | None,
    own_value: D | None,
    kids_value: D | None,
) -> None:
    result = parent_progress(rule, own, kids)
    assert result.progress == progress
    assert result.own == own_value
    assert result.children == kids_value
    assert result.steps[0] == Step("rollup.rule", {"rule": str(rule)})


def test_parent_progress_both_states_the_mean() -> None:
    result = parent_progress(ProgressRule.BOTH, OWN, KIDS)
    assert result.steps[-1] == Step(
        "rollup.both", {"own": "0.6", "children": "0.8", "progress": "0.7"}
    )


def test_parent_progress_both_with_one_figure_says_which() -> None:
    result = parent_progress(ProgressRule.BOTH, [], KIDS)
    assert result.steps[-1] == Step("rollup.only_one", {"source": "children", "progress": "0.8"})


def test_parent_progress_nothing_says_so() -> None:
    result = parent_progress(ProgressRule.BOTH, [], [])
    assert result.steps[-1] == Step("rollup.nothing", {"rule": "both"})
