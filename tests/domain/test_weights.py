"""Weights must sum to exactly 100 (never normalised); weighted and plain means."""

from decimal import Decimal as D

import pytest

from okr.domain.errors import InvalidNumber, InvalidWeight, WeightsDoNotSum
from okr.domain.steps import Step
from okr.domain.weights import check_weights, plain_mean, weighted_mean


@pytest.mark.parametrize(
    "weights",
    [
        [40, 20, 15, 15, 10],  # seed 000 marketing specialist
        [40, 30, 20, 10],  # seed 004 second scheme
        [60, 20, 20],  # default split
        ["33.3", "33.3", "33.4"],
        [100, 0],
        [100],
    ],
    ids=["seed-000-five-categories", "seed-004-four", "default-split", "decimals", "zero", "one"],
)
def test_check_weights_accepts_sets_summing_to_100(weights: list[int | str]) -> None:
    result = check_weights(weights)
    assert result.total == D(100)
    assert result.steps[0].code == "weights.sum"


def test_seed_004_weights_summing_to_110_refused_with_the_sum() -> None:
    with pytest.raises(WeightsDoNotSum) as exc:
        check_weights([40, 30, 20, 10, 10], scope="criteria.interview")
    assert exc.value.code == "weights.do_not_sum"
    assert exc.value.params == {
        "scope": "criteria.interview",
        "weights": "40 + 30 + 20 + 10 + 10",
        "sum": "110",
        "expected": "100",
    }
    assert str(exc.value) == (
        "Weights of criteria.interview add up to 110 (40 + 30 + 20 + 10 + 10), not 100."
    )


@pytest.mark.parametrize(
    ("weights", "total"),
    [
        ([40, 30, 20], "90"),
        (["33.33", "33.33", "33.33"], "99.99"),
        (["50", "50.01"], "100.01"),
        ([], "0"),
    ],
    ids=["ninety", "thirds-short", "just-over", "empty"],
)
def test_check_weights_refuses_any_other_total(weights: list[int | str], total: str) -> None:
    with pytest.raises(WeightsDoNotSum) as exc:
        check_weights(weights)
    assert exc.value.params["sum"] == total


def test_check_weights_refuses_negative_weight_with_position() -> None:
    with pytest.raises(InvalidWeight) as exc:
        check_weights([120, -20])
    assert exc.value.code == "weights.negative"
    assert exc.value.params == {"scope": "weights", "position": "2", "weight": "-20"}


def test_check_weights_with_other_expected_total() -> None:
    assert check_weights(["0.5", "0.5"], total=1).total == D(1)


def test_check_weights_refuses_non_numeric_weight() -> None:
    with pytest.raises(InvalidNumber):
        check_weights(["forty", "60"])


def test_check_weights_step_lists_weights_and_sum() -> None:
    assert check_weights([60, 40], scope="parts").steps == (
        Step("weights.sum", {"scope": "parts", "weights": "60 + 40", "sum": "100"}),
    )


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([("0.5", 40), ("1", 60)], D("0.8")),
        ([("0.3", 30), ("1", 40), ("0.5", 30)], D("0.64")),
        ([(1, 1), (0, 2)], D("0.3333333333333333333333333333")),
        ([("0.7", 100)], D("0.7")),
        ([("1", 0), ("0.5", 100)], D("0.5")),
        ([("1.2", 50), ("0.6", 50)], D("0.9")),
    ],
    ids=["two", "seed-001-social-three", "thirds", "single", "zero-weight-ignored", "over-one"],
)
def test_weighted_mean_values(items: list[tuple[str | int, int]], expected: D) -> None:
    assert weighted_mean(items).value == expected


def test_weighted_mean_step_shows_terms() -> None:
    result = weighted_mean([("0.5", 40), ("1", 60)], scope="key_results")
    assert result.steps == (
        Step(
            "mean.weighted",
            {
                "scope": "key_results",
                "terms": "0.5 × 40 + 1 × 60",
                "numerator": "80",
                "total_weight": "100",
                "value": "0.8",
            },
        ),
    )


def test_weighted_mean_of_nothing_is_none() -> None:
    result = weighted_mean([])
    assert result.value is None
    assert result.steps == (Step("mean.empty", {"scope": "mean"}),)


def test_weighted_mean_refuses_zero_total_weight() -> None:
    with pytest.raises(InvalidWeight) as exc:
        weighted_mean([("1", 0), ("0.5", 0)])
    assert exc.value.code == "weights.zero_total"


def test_weighted_mean_refuses_negative_weight() -> None:
    with pytest.raises(InvalidWeight):
        weighted_mean([("1", 110), ("0.5", -10)])


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["0.75", "0.5"], D("0.625")), (["1"], D("1")), (["0.2", "0.4", "0.9"], D("0.5"))],
    ids=["two", "one", "three"],
)
def test_plain_mean_values(values: list[str], expected: D) -> None:
    assert plain_mean(values).value == expected


def test_plain_mean_of_nothing_is_none() -> None:
    assert plain_mean([]).value is None
