"""Criteria scores on stated scales and the peer score over submitted raters."""

from decimal import Decimal as D

import pytest

from okr.domain.errors import InvalidNumber, InvalidRating, InvalidTemplate, WeightsDoNotSum
from okr.domain.ratings import criteria_score, normalise, peer_score
from okr.domain.steps import Step
from okr.domain.template import PERCENT, STARS, Criterion, Scale

C = Criterion.of
# Seed 000 team evaluation: cooperation, innovation, execution (weights chosen here).
PEER = (C("合作能力", 40), C("创新能力", 30), C("执行能力", 30))
# Seed 000 marketing specialist: five categories 40/20/15/15/10 rated 0..100.
SPECIALIST = (
    C("销售业绩", 40, PERCENT),
    C("市场推广", 20, PERCENT),
    C("广告投放", 15, PERCENT),
    C("网络推广", 15, PERCENT),
    C("客户维护", 10, PERCENT),
)


@pytest.mark.parametrize(
    ("scale", "rating", "expected"),
    [
        (STARS, "1", D("0")),
        (STARS, "2", D("0.25")),
        (STARS, "3", D("0.5")),
        (STARS, "4.5", D("0.875")),
        (STARS, "5", D("1")),
        (PERCENT, "0", D("0")),
        (PERCENT, "86.5", D("0.865")),
        (PERCENT, "100", D("1")),
        (Scale.of(1, 10), "4", D("0.3333333333333333333333333333")),
    ],
    ids=[
        "one-star-is-zero",
        "two-stars",
        "three-stars",
        "half-star",
        "five-stars",
        "percent-zero",
        "percent-86.5",
        "percent-full",
        "one-to-ten",
    ],
)
def test_normalise_maps_scale_to_zero_one(scale: Scale, rating: str, expected: D) -> None:
    assert normalise(C("x", 100, scale), rating) == expected


@pytest.mark.parametrize(
    ("scale", "rating"),
    [(STARS, "0"), (STARS, "5.5"), (PERCENT, "-1"), (PERCENT, "100.01")],
    ids=["below-stars", "above-stars", "below-percent", "above-percent"],
)
def test_rating_outside_scale_refused(scale: Scale, rating: str) -> None:
    with pytest.raises(InvalidRating) as exc:
        criteria_score([C("x", 100, scale)], {"x": rating})
    assert exc.value.code == "rating.out_of_scale"
    assert exc.value.params == {
        "criterion": "x",
        "rating": rating,
        "min": str(scale.min),
        "max": str(scale.max),
    }


def test_criteria_score_is_weighted_mean_of_normalised_ratings() -> None:
    result = criteria_score(PEER, {"合作能力": 5, "创新能力": 3, "执行能力": 4})
    # 1 × 40 + 0.5 × 30 + 0.75 × 30 = 77.5 -> 0.775
    assert result.fraction == D("0.775")
    assert result.complete
    assert result.missing == ()
    assert result.steps[0] == Step(
        "rating.normalised",
        {"criterion": "合作能力", "rating": "5", "min": "1", "max": "5", "fraction": "1"},
    )
    assert result.steps[-1].code == "mean.weighted"


def test_seed_000_specialist_five_categories() -> None:
    ratings = {"销售业绩": 95, "市场推广": 85, "广告投放": 70, "网络推广": 80, "客户维护": 90}
    # (38 + 17 + 10.5 + 12 + 9) / 100
    assert criteria_score(SPECIALIST, ratings).fraction == D("0.865")


@pytest.mark.parametrize(
    ("ratings", "missing"),
    [
        ({"合作能力": 5, "创新能力": 3}, ("执行能力",)),
        ({"合作能力": 5, "创新能力": None, "执行能力": 4}, ("创新能力",)),
        ({}, ("合作能力", "创新能力", "执行能力")),
    ],
    ids=["one-absent", "one-none", "all-absent"],
)
def test_missing_rating_makes_part_incomplete_not_zero(
    ratings: dict[str, int | None], missing: tuple[str, ...]
) -> None:
    result = criteria_score(PEER, ratings)
    assert result.fraction is None
    assert not result.complete
    assert result.missing == missing
    assert result.steps[-1] == Step("part.incomplete", {"missing": ", ".join(missing)})


def test_rating_for_unknown_criterion_refused() -> None:
    with pytest.raises(InvalidRating) as exc:
        criteria_score(PEER, {"合作能力": 5, "创新能力": 3, "执行能力": 4, "颜值": 5})
    assert exc.value.params == {"criterion": "颜值"}


def test_non_numeric_rating_refused() -> None:
    with pytest.raises(InvalidNumber):
        criteria_score(PEER, {"合作能力": "great", "创新能力": 3, "执行能力": 4})


def test_criteria_weights_must_sum_to_100() -> None:
    with pytest.raises(WeightsDoNotSum):
        criteria_score([C("a", 60), C("b", 50)], {"a": 1, "b": 1})


def test_no_criteria_refused() -> None:
    with pytest.raises(InvalidTemplate):
        criteria_score([], {})


FULL = {"合作能力": 5, "创新能力": 5, "执行能力": 5}  # 1
MID = {"合作能力": 3, "创新能力": 3, "执行能力": 3}  # 0.5
LOW = {"合作能力": 2, "创新能力": 1, "执行能力": 1}  # 0.1


@pytest.mark.parametrize(
    ("sheets", "minimum", "fraction", "counted"),
    [
        ({"bob": FULL, "carol": MID}, 1, D("0.75"), ("bob", "carol")),
        (
            {"bob": FULL, "carol": MID, "dan": LOW},
            3,
            D("0.5333333333333333333333333333"),
            ("bob", "carol", "dan"),
        ),
        ({"bob": FULL}, 1, D("1"), ("bob",)),
        ({"bob": FULL}, 2, None, ("bob",)),
        ({}, 1, None, ()),
        ({"bob": FULL, "carol": {"合作能力": 3}}, 1, D("1"), ("bob",)),
        ({"bob": FULL, "carol": {"合作能力": 3}}, 2, None, ("bob",)),
    ],
    ids=[
        "two-raters",
        "three-raters-minimum-three",
        "one-rater",
        "too-few-raters",
        "no-raters",
        "incomplete-sheet-left-out",
        "incomplete-sheet-leaves-too-few",
    ],
)
def test_peer_score_is_mean_over_complete_submitted_sheets(
    sheets: dict[str, dict[str, int]],
    minimum: int,
    fraction: D | None,
    counted: tuple[str, ...],
) -> None:
    result = peer_score(PEER, sheets, "alice", minimum)
    assert result.fraction == fraction
    assert result.counted_raters == counted
    assert result.complete is (fraction is not None)


def test_peer_rating_oneself_refused() -> None:
    with pytest.raises(InvalidRating) as exc:
        peer_score(PEER, {"bob": FULL, "alice": FULL}, "alice")
    assert exc.value.code == "peer.self_rating"
    assert exc.value.params == {"rater": "alice"}


def test_peer_score_steps_list_each_rater_and_the_mean() -> None:
    result = peer_score(PEER, {"bob": FULL, "carol": MID}, "alice")
    assert result.steps == (
        Step("peer.rater", {"rater": "bob", "fraction": "1"}),
        Step("peer.rater", {"rater": "carol", "fraction": "0.5"}),
        Step(
            "mean.plain",
            {"scope": "peer", "values": "1 + 0.5", "total": "1.5", "count": "2", "value": "0.75"},
        ),
    )
    assert result.per_rater["carol"].fraction == D("0.5")


def test_peer_score_too_few_raters_step() -> None:
    result = peer_score(PEER, {"bob": FULL}, "alice", 3)
    assert result.steps[-1] == Step("peer.too_few_raters", {"count": "1", "minimum": "3"})


def test_peer_score_incomplete_sheet_step() -> None:
    result = peer_score(PEER, {"carol": {"合作能力": 3}}, "alice")
    assert result.steps[0] == Step(
        "peer.rater_incomplete", {"rater": "carol", "missing": "创新能力, 执行能力"}
    )


def test_peer_minimum_below_one_refused() -> None:
    with pytest.raises(InvalidTemplate):
        peer_score(PEER, {"bob": FULL}, "alice", 0)
