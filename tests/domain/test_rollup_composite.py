"""A roll-up part in the composite (okr.domain.composite): its value as points in a points
template or value × weight ÷ 100 otherwise, the year-end bonuses added outside the adjustment
caps, missing never 0, every figure exact, the derivation in both languages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from flask_babel import force_locale

from okr.domain.composite import Adjustment, composite
from okr.domain.cycle_rollup import CycleResult, CycleRollup, YearEndBonus, roll_up
from okr.domain.errors import InvalidTemplate
from okr.domain.template import ReviewTemplate
from okr.explain import describe_steps
from okr.schemes.checks import validate
from okr.schemes.format import TemplateSpec

ROLLUP = CycleRollup(
    "new-media-monthly",
    bonuses=(YearEndBonus("award", D(4), outcome="award"), YearEndBonus("top3", D(2), top=3)),
)
MONTHS = [
    CycleResult("2026-01", D("90"), frozenset({"award"}), 1),
    CycleResult("2026-02", D("85.5"), frozenset(), 4),
    CycleResult("2026-03", D("88"), frozenset(), 3),
]


def _points_template(**extra) -> ReviewTemplate:
    from okr.domain.adjustment_kinds import AdjustmentKind

    kinds = [AdjustmentKind.of("praise", "3")]
    return ReviewTemplate.of(
        {"monthly": "100"},
        points=True,
        rollups={"monthly": ROLLUP},
        adjustment_kinds=kinds,
        bonus_cap="2",
        **extra,
    )


def test_a_points_template_counts_the_mean_and_adds_the_year_end_bonuses_outside_the_caps():
    template = _points_template()
    rolled = roll_up("monthly", ROLLUP, MONTHS)
    result = composite(template, {}, [Adjustment("praise")], rollups={"monthly": rolled})
    mean = D("263.5") / 3
    assert result.part_points["monthly"] == mean
    assert result.year_end == D(8)  # 获得月度奖 once (+4), TOP3 twice (+2 × 2)
    assert result.adjustments.bonus == D(2)  # the template's bonus cap binds the adjustments only
    assert result.composite == mean + D(8) + D(2)
    codes = [s.code for s in result.steps]
    assert "composite.rollup" in codes and "composite.total_year_end" in codes


def test_a_weighted_template_takes_value_times_weight_and_a_missing_rollup_is_never_zero():
    template = ReviewTemplate.of({"monthly": "70", "kr": "30"}, rollups={"monthly": ROLLUP})
    rolled = roll_up("monthly", ROLLUP, MONTHS)
    result = composite(template, {"kr": "0.5"}, rollups={"monthly": rolled})
    assert result.part_points["monthly"] == D("263.5") / 3 * D(70) / D(100)
    assert result.composite == result.part_points["monthly"] + D(15) + D(8)
    empty = roll_up("monthly", ROLLUP, [])
    missing = composite(template, {"kr": "0.5"}, rollups={"monthly": empty})
    assert (missing.complete, missing.composite, missing.missing_parts) == (
        False,
        None,
        ("monthly",),
    )
    assert composite(template, {"kr": "0.5"}).missing_parts == ("monthly",)


def test_a_rollup_named_like_a_part_or_a_bad_rollup_makes_no_template():
    with pytest.raises(InvalidTemplate):
        ReviewTemplate.of({"kr": "100"}, rollups={"kr": ROLLUP})
    with pytest.raises(InvalidTemplate):
        ReviewTemplate.of({"m": "100"}, rollups={"m": CycleRollup(" ")})
    with pytest.raises(InvalidTemplate):  # a points template's maxima still sum to the scale
        ReviewTemplate.of({"monthly": "90"}, points=True, rollups={"monthly": ROLLUP})


YEARLY = {
    "name": "年度考核",
    "composite": "points",
    "parts": {"monthly": "100"},
    "bands": [{"label": "优秀", "min": "90"}, {"label": "合格", "min": "0"}],
    "rollups": [
        {
            "key": "monthly",
            "label": {"zh": "1–12 月月度得分", "en": "Monthly results"},
            "rollup": {"family": "new-media-monthly"},
            "bonuses": [
                {"key": "award", "label": "获得月度奖", "points": "4", "outcome": "award"},
                {"key": "top3", "label": "入TOP3", "points": "2.0", "top": 3},
            ],
        }
    ],
}


def test_a_template_with_a_rollup_validates_round_trips_and_explains_in_both_languages(app):
    with app.test_request_context():
        spec, parsed = validate(YEARLY)
        assert validate(spec)[0] == spec
        assert spec["rollups"][0]["rollup"] == {
            "family": "new-media-monthly",
            "of": "mean",
            "cycles": "within",
        }
        assert spec["rollups"][0]["bonuses"][1]["points"] == "2"
        assert isinstance(parsed, TemplateSpec)
        assert parsed.domain.rollups["monthly"].bonuses[0].points == D(4)
        rolled = roll_up("monthly", parsed.domain.rollups["monthly"], MONTHS)
        result = composite(parsed.domain, {}, rollups={"monthly": rolled})
        steps = (*rolled.steps, *result.steps)
        with force_locale("zh"):
            zh = describe_steps(steps, parsed.glossary())
            assert parsed.part_label("monthly") == "1–12 月月度得分"
        with force_locale("en"):
            en = describe_steps(steps, parsed.glossary())
    assert zh[0].startswith("1–12 月月度得分：3 个结果（2026-01、2026-02、2026-03）的平均")
    assert "获得月度奖" in zh[1] and "入TOP3" in zh[2]
    assert en[0].startswith("Monthly results: mean of the 3 results (2026-01、2026-02、2026-03)")
    assert any("年终" in line or "年度" in line for line in zh[3:])
    assert any("year-end bonuses 8" in line for line in en)
