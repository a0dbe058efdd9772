"""The roll-up parts' format (okr.schemes.rollup_format): every problem with its place, the
domain values read exactly, the canonical form stable."""

from __future__ import annotations

from decimal import Decimal

import pytest

from okr.domain.cycle_rollup import CycleResult, Of, roll_up
from okr.schemes.problems import Problems
from okr.schemes.rollup_format import (
    canonical_rollups,
    check_rollups,
    read_rollups,
    rollup_keys,
)

YEARLY = {
    "rollups": [
        {
            "key": "monthly",
            "label": {"zh": "1–12 月月度得分", "en": "Monthly results"},
            "rollup": {"family": "new-media-monthly", "of": "mean", "cycles": "within"},
            "bonuses": [
                {
                    "key": "award",
                    "label": "获得月度奖",
                    "points": Decimal("4.0"),
                    "outcome": "award",
                },
                {"key": "top3", "label": "入TOP3", "points": 2, "top": 3},
            ],
        }
    ]
}


def problems(data):
    c = Problems()
    check_rollups(c, data)
    return dict(c.problems)


def test_a_well_formed_rollup_has_no_problem_and_reads_exactly():
    assert problems(YEARLY) == {}
    assert rollup_keys(YEARLY) == ["monthly"]
    rollup = read_rollups(YEARLY)["monthly"]
    assert rollup.family == "new-media-monthly"
    assert rollup.of is Of.MEAN
    award, top3 = rollup.bonuses
    assert (award.points, award.outcome, award.top) == (Decimal(4), "award", None)
    assert (top3.points, top3.outcome, top3.top) == (Decimal(2), None, 3)
    results = [CycleResult("2026-01", Decimal("88.5"), frozenset({"award"}), 2)]
    assert roll_up("monthly", rollup, results).bonus == Decimal(6)


def test_the_canonical_form_writes_defaults_and_exact_text_and_is_stable():
    data = {"rollups": [{"key": "q", "rollup": {"family": "quarterly"}, "bonuses": []}]}
    assert canonical_rollups(data) == [
        {
            "key": "q",
            "label": "q",
            "rollup": {"family": "quarterly", "of": "mean", "cycles": "within"},
            "bonuses": [],
        }
    ]
    once = canonical_rollups(YEARLY)
    assert once[0]["bonuses"][0] == {
        "key": "award",
        "label": "获得月度奖",
        "points": "4",
        "outcome": "award",
    }
    assert once[0]["bonuses"][1]["top"] == 3
    assert canonical_rollups({"rollups": once}) == once
    assert problems({"rollups": once}) == {}


@pytest.mark.parametrize(
    ("rollups", "place"),
    [
        ("monthly", "rollups"),
        (["x"], "rollups.0"),
        ([{"rollup": {"family": "m"}}], "rollups.0.key"),
        ([{"key": "kr", "rollup": {"family": "m"}}], "rollups.0.key"),
        ([{"key": "m", "rollup": {"family": "m"}, "weight": "1"}], "rollups.0"),
        ([{"key": "m"}], "rollups.0.rollup"),
        ([{"key": "m", "rollup": {"family": " "}}], "rollups.0.rollup.family"),
        ([{"key": "m", "rollup": {"family": "m", "of": "median"}}], "rollups.0.rollup.of"),
        ([{"key": "m", "rollup": {"family": "m", "cycles": "before"}}], "rollups.0.rollup.cycles"),
        ([{"key": "m", "rollup": {"family": "m", "every": 1}}], "rollups.0.rollup"),
        ([{"key": "m", "rollup": {"family": "m"}, "bonuses": {}}], "rollups.0.bonuses"),
    ],
)
def test_a_malformed_rollup_is_refused_at_its_place(rollups, place):
    assert place in problems({"rollups": rollups})


@pytest.mark.parametrize(
    ("bonus", "place"),
    [
        ({"points": "4", "top": 3}, "rollups.0.bonuses.0"),
        ({"key": "b", "points": "four", "top": 3}, "rollups.0.bonuses.0.points"),
        ({"key": "b", "points": "0", "top": 3}, "rollups.0.bonuses.0.points"),
        ({"key": "b", "points": "0.1234567", "top": 3}, "rollups.0.bonuses.0.points"),
        ({"key": "b", "points": "4"}, "rollups.0.bonuses.0"),
        ({"key": "b", "points": "4", "top": 3, "outcome": "a"}, "rollups.0.bonuses.0"),
        ({"key": "b", "points": "4", "top": 0}, "rollups.0.bonuses.0.top"),
        ({"key": "b", "points": "4", "top": True}, "rollups.0.bonuses.0.top"),
        ({"key": "b", "points": "4", "outcome": " "}, "rollups.0.bonuses.0.outcome"),
        ({"key": "b", "points": "4", "top": 3, "cap": "0"}, "rollups.0.bonuses.0.cap"),
        ({"key": "b", "points": "4", "top": 3, "cap": "-1"}, "rollups.0.bonuses.0.cap"),
        ({"key": "b", "points": "4", "top": 3, "per": "month"}, "rollups.0.bonuses.0"),
    ],
)
def test_a_malformed_bonus_is_refused_at_its_place(bonus, place):
    data = {"rollups": [{"key": "m", "rollup": {"family": "m"}, "bonuses": [bonus]}]}
    found = problems(data)
    assert place in found
    assert found[place]


def test_a_bonus_key_twice_is_refused_beside_the_second():
    bonus = {"key": "b", "points": "4", "top": 3}
    data = {"rollups": [{"key": "m", "rollup": {"family": "m"}, "bonuses": [bonus, bonus]}]}
    assert list(problems(data)) == ["rollups.0.bonuses.1.key"]
