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
    "parts": {"monthly": "100"},
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
    ],
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
    assert problems({"parts": {"monthly": "100"}, "rollups": once}) == {}


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
    data = {
        "parts": {"m": "100"},
        "rollups": [{"key": "m", "rollup": {"family": "m"}, "bonuses": [bonus, bonus]}],
    }
    assert list(problems(data)) == ["rollups.0.bonuses.1.key"]


def test_a_rollup_without_a_weight_or_named_like_a_section_is_refused():
    data = {
        "parts": {"s": "50"},
        "sections": [{"key": "s"}],
        "rollups": [
            {"key": "m", "rollup": {"family": "f"}},
            {"key": "s", "rollup": {"family": "f"}},
        ],
    }
    found = problems(data)
    assert "its weight" in found["rollups.0.key"]
    assert "twice" in found["rollups.1.key"]


def _yearly_template(**rollup):
    return {
        "name": "年度考核",
        "composite": "points",
        "parts": {"monthly": "100"},
        "bands": [{"label": "合格", "min": "0"}],
        "rollups": [{"key": "monthly", "rollup": {"family": "new-media-monthly", **rollup}}],
    }


def test_an_import_with_a_rollup_is_stored_and_a_bad_one_is_refused_with_422_at_its_place(
    app, client, login, admin
):
    import json
    import re

    from sqlalchemy import select

    from okr.extensions import db
    from okr.reviews.models import ReviewTemplate
    from tests.helpers import snapshot, text

    login(admin)
    before = snapshot("review_template")
    bad = _yearly_template(of="median")
    bad["rollups"][0]["bonuses"] = [{"key": "b", "points": "0", "top": 3}]
    response = client.post(
        "/reviews/templates/import", data={"text": json.dumps(bad, ensure_ascii=False)}
    )
    assert response.status_code == 422
    items = re.findall(r"<li>(.*?)</li>", text(response).split('id="import-problems"')[1])
    assert items == [
        "<code>rollups.0.rollup.of</code>: “of” is “mean” or “sum”.",
        "<code>rollups.0.bonuses.0.points</code>: The points of “b” must not be 0.",
    ]
    assert snapshot("review_template") == before
    good = _yearly_template(of="sum")
    response = client.post(
        "/reviews/templates/import", data={"text": json.dumps(good, ensure_ascii=False)}
    )
    assert response.status_code == 303
    stored = db.session.scalar(select(ReviewTemplate).where(ReviewTemplate.family == "imported"))
    assert stored.spec["rollups"][0]["rollup"] == {
        "family": "new-media-monthly",
        "of": "sum",
        "cycles": "within",
    }
