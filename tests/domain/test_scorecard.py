"""Scorecards: sections of indicators with points, summed exactly (seed 003's 客服 and 新媒体 tables)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from okr.domain.composite import composite
from okr.domain.errors import DomainError, InvalidRating, InvalidTemplate
from okr.domain.krspec import Direction, KeyResultSpec
from okr.domain.scorecard import Indicator, Section, score_section
from okr.domain.steps import Step
from okr.domain.template import GradeBand, ReviewTemplate
from okr.domain.tiers import Tier

# Seed 003: 3. 用户满意度 (20 分) and 4. 品牌形象 (10 分), each indicator a per-unit rule.
SATISFACTION = Section(
    "satisfaction",
    (
        # 每提高1%,得0.5分,最高得10分
        Indicator.value("survey", 10, KeyResultSpec.per_unit(0, 1, "0.5", 10)),
        # 投诉率每降低1%,得1分,最高得10分
        Indicator.value("complaints", 10, KeyResultSpec.per_unit(0, 1, 1, 10, Direction.DOWN)),
    ),
)
BRAND = Section(
    "brand",
    (
        # 每增加100次曝光,得0.1分,最高得5分
        Indicator.value("exposure", 5, KeyResultSpec.per_unit(0, 100, "0.1", 5)),
        # 每增加10次正面口碑传播,得0.1分,最高得5分
        Indicator.value("reputation", 5, KeyResultSpec.per_unit(0, 10, "0.1", 5)),
    ),
)
NEW_MEDIA = ReviewTemplate.of(
    {"satisfaction": 20, "brand": 10},
    total_scale=30,
    bands=[GradeBand.of("达标", 15), GradeBand.of("未达标", 0)],
    points=True,
    sections=[SATISFACTION, BRAND],
)


def test_seed_003_satisfaction_5_5_of_20_plus_brand_5_8_of_10_is_exactly_11_3():
    satisfaction = score_section(SATISFACTION, {"survey": "7", "complaints": "-2"})
    brand = score_section(BRAND, {"exposure": "3000", "reputation": "280"})
    assert (satisfaction.points, brand.points) == (D("5.5"), D("5.8"))
    result = composite(
        NEW_MEDIA, {}, sections={"satisfaction": satisfaction.points, "brand": brand.points}
    )
    assert result.composite == D("11.3")
    assert result.weighted_sum == D("11.3")
    assert Step("composite.section", {"part": "satisfaction", "points": "5.5", "max": "20"}) in (
        result.steps
    )
    assert result.grade == "未达标"


def test_the_same_sections_in_a_weighted_template_give_their_share():
    template = ReviewTemplate.of({"satisfaction": 50, "brand": 50}, sections=[SATISFACTION, BRAND])
    result = composite(template, {}, sections={"satisfaction": D("5.5"), "brand": D("5.8")})
    # 5.5 ÷ 20 × 50% × 100 + 5.8 ÷ 10 × 50% × 100 = 13.75 + 29
    assert result.composite == D("42.75")


@pytest.mark.parametrize(
    ("count", "points"), [("0", "100"), ("3", "97"), ("120", "0")], ids=["none", "three", "floor"]
)
def test_a_base_minus_deductions_indicator(count, points):
    # seed 000's 网络推广 monthly table: 100 分, 每违反一项扣除1分
    section = Section("discipline", (Indicator.deductions("rules", 100, -1),))
    score = score_section(section, {"rules": count})
    assert score.points == D(points)


def test_points_entered_against_the_max_and_tiers_give_exact_points():
    section = Section(
        "service",
        (
            Indicator.points("attitude", 10),
            # 2500 <= 回复 < 3000: 3; 3000 <= 回复 < 3500: 5; >= 3500: 8
            Indicator.value(
                "replies",
                8,
                KeyResultSpec.tiered(
                    [Tier.of(2500, 3000, 3), Tier.of(3000, 3500, 5), Tier.of(3500, None, 8)]
                ),
            ),
            # an attainment rule gives its progress times the max
            Indicator.value("followers", 12, KeyResultSpec.increase(50000, 60000)),
        ),
    )
    score = score_section(section, {"attitude": "7.5", "replies": "3000", "followers": "57500"})
    assert score.points == D("7.5") + D(5) + D(9)
    assert score.max_points == D(30)


def test_an_indicator_without_a_value_leaves_its_section_missing_never_zero():
    score = score_section(SATISFACTION, {"survey": "4"})
    assert score.points is None and score.missing == ("complaints",)
    result = composite(NEW_MEDIA, {}, sections={"satisfaction": None, "brand": D(5)})
    assert not result.complete and result.missing_parts == ("satisfaction",)


@pytest.mark.parametrize(
    ("section", "values", "code"),
    [
        (Section("s", (Indicator.points("a", 10),)), {"a": "11"}, "indicator.points_out_of_range"),
        (Section("s", (Indicator.deductions("a", 10, -1),)), {"a": "1.5"}, "indicator.bad_count"),
        (Section("s", (Indicator.points("a", 10),)), {"b": "1"}, "indicator.unknown"),
    ],
)
def test_values_outside_an_indicator_are_refused(section, values, code):
    with pytest.raises(InvalidRating) as refused:
        score_section(section, values)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("parts", "sections", "code"),
    [
        ({"satisfaction": 20, "brand": 5}, [SATISFACTION, BRAND], "section.max_mismatch"),
        (
            {"satisfaction": 20, "brand": 10, "kr": 5},
            [SATISFACTION, BRAND],
            "template.points_do_not_sum",
        ),
        ({"s": 10}, [Section("s", ())], "section.empty"),
        (
            {"s": 10},
            [Section("s", (Indicator.deductions("a", 10, 1),))],
            "section.deduction_not_negative",
        ),
        (
            {"s": 4},
            [Section("s", (Indicator.value("a", 4, KeyResultSpec.per_unit(0, 1, 1, 5)),))],
            "section.rule_above_max",
        ),
        ({"kr": 30}, [Section("kr", (Indicator.points("a", 30),))], "section.duplicate"),
    ],
    ids=["section-max", "scale", "empty", "positive-deduction", "rule-above-max", "built-in-name"],
)
def test_inconsistent_scorecards_are_refused(parts, sections, code):
    with pytest.raises(DomainError) as refused:
        ReviewTemplate.of(parts, total_scale=30, points=True, sections=sections)
    assert refused.value.code == code
    assert isinstance(refused.value, InvalidTemplate)
