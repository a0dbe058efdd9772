"""Composite scores: weighted parts on the template scale, adjustments with caps, grades."""

from decimal import Decimal as D

import pytest

from okr.domain.composite import Adjustment, apply_adjustments, composite
from okr.domain.errors import InvalidAdjustment, InvalidScore, InvalidTemplate
from okr.domain.ratings import criteria_score
from okr.domain.steps import Step
from okr.domain.template import PERCENT, AdjustmentKind, Criterion, GradeBand, Part, ReviewTemplate

C = Criterion.of
B = GradeBand.of
A = AdjustmentKind.of
PEER = (C("合作能力", 40), C("创新能力", 30), C("执行能力", 30))

DEFAULT = ReviewTemplate.of(
    {"kr": 60, "peer": 20, "interview": 20},
    {"peer": PEER, "interview": (C("面谈", 100, PERCENT),)},
    improvement_plan_grades=["不合格"],
)
OVER = ReviewTemplate.of(
    {"kr": 60, "peer": 20, "interview": 20},
    {"peer": PEER, "interview": (C("面谈", 100, PERCENT),)},
    attainment_cap="1.2",
)
# Seed 003 new media: deductions per error, bonuses per viral post and TOP-3 ranks.
NEW_MEDIA = ReviewTemplate.of(
    {"kr": 100},
    bands=[B("升级", 90), B("保级", 80), B("降级", 0)],
    adjustment_kinds=[
        A("typo", "-0.5"),
        A("wrong_image", "-0.5"),
        A("duplicate_post", -1),
        A("title_error", -1),
        A("post_100k_reads", 2),
        A("top1", 8),
        A("top2", 6),
        A("top3", 3),
    ],
    bonus_cap=10,
    deduction_cap=5,
    improvement_plan_grades=["降级"],
)
# Seed 000 department scheme on 120 points.
DEPT_120 = ReviewTemplate.of(
    {"kr": 100},
    bands=[B("优秀", 108), B("合格", 95), B("未命名", 80), B("需鼓励", 0)],
    total_scale=120,
    improvement_plan_grades=["需鼓励"],
)


@pytest.mark.parametrize(
    ("template", "parts", "expected", "grade"),
    [
        (DEFAULT, {"kr": "0.8", "peer": "0.75", "interview": "0.9"}, D("81"), "良好"),
        (DEFAULT, {"kr": "1", "peer": "1", "interview": "1"}, D("100"), "优秀"),
        (DEFAULT, {"kr": "0", "peer": "0", "interview": "0"}, D("0"), "不合格"),
        (DEFAULT, {"kr": "0.9", "peer": "0.9", "interview": "0.9"}, D("90"), "优秀"),
        (DEFAULT, {"kr": "0.9", "peer": "0.9", "interview": "0.8995"}, D("89.99"), "良好"),
        (DEFAULT, {"kr": "0.5", "peer": "0.6", "interview": "0.7"}, D("56"), "不合格"),
        (OVER, {"kr": "1.2", "peer": "1", "interview": "1"}, D("112"), "优秀"),
        (DEPT_120, {"kr": "0.9"}, D("108"), "优秀"),
        (DEPT_120, {"kr": "0.8999"}, D("107.988"), "合格"),
        (DEPT_120, {"kr": "0.79"}, D("94.8"), "未命名"),
        (DEPT_120, {"kr": "0.66"}, D("79.2"), "需鼓励"),
    ],
    ids=[
        "default-split",
        "default-full-marks",
        "default-zero",
        "exactly-90-excellent",
        "89.99-good",
        "fail",
        "over-achievement-above-scale",
        "dept120-exactly-108",
        "dept120-just-under-108",
        "dept120-unnamed-band",
        "dept120-needs-encouragement",
    ],
)
def test_composite_weighted_sum_and_grade(
    template: ReviewTemplate, parts: dict[str, str], expected: D, grade: str
) -> None:
    result = composite(template, parts)
    assert result.complete
    assert result.composite == expected
    assert result.weighted_sum == expected
    assert result.grade == grade


def test_composite_full_derivation() -> None:
    result = composite(DEFAULT, {"kr": "0.8", "peer": "0.75", "interview": "0.9"})
    assert result.part_points == {Part.KR: D(48), Part.PEER: D(15), Part.INTERVIEW: D(18)}
    assert result.steps == (
        Step(
            "composite.part",
            {"part": "kr", "fraction": "0.8", "weight": "60", "scale": "100", "points": "48"},
        ),
        Step(
            "composite.part",
            {"part": "peer", "fraction": "0.75", "weight": "20", "scale": "100", "points": "15"},
        ),
        Step(
            "composite.part",
            {
                "part": "interview",
                "fraction": "0.9",
                "weight": "20",
                "scale": "100",
                "points": "18",
            },
        ),
        Step("composite.weighted_sum", {"terms": "48 + 15 + 18", "sum": "81"}),
        Step("composite.total", {"weighted_sum": "81", "net": "0", "composite": "81"}),
        Step("grade.band", {"score": "81", "label": "良好", "threshold": "80"}),
    )


def test_composite_above_scale_is_not_capped_and_says_so() -> None:
    result = composite(OVER, {"kr": "1.2", "peer": "1", "interview": "1"})
    assert Step("composite.above_scale", {"composite": "112", "scale": "100"}) in result.steps


@pytest.mark.parametrize(
    ("parts", "missing"),
    [
        ({"kr": "0.8", "interview": "0.9"}, (Part.PEER,)),
        ({"kr": "0.8", "peer": None, "interview": "0.9"}, (Part.PEER,)),
        ({"kr": "0.8"}, (Part.PEER, Part.INTERVIEW)),
        ({}, (Part.KR, Part.PEER, Part.INTERVIEW)),
    ],
    ids=["peer-absent", "peer-none", "two-missing", "all-missing"],
)
def test_missing_weighted_part_gives_incomplete_result_without_grade(
    parts: dict[str, str | None], missing: tuple[Part, ...]
) -> None:
    result = composite(DEFAULT, parts)
    assert not result.complete
    assert result.missing_parts == missing
    assert result.composite is None
    assert result.weighted_sum is None
    assert result.grade is None
    assert not result.needs_improvement_plan
    assert result.steps[-1] == Step("composite.incomplete", {"missing": ", ".join(missing)})


def test_missing_part_is_never_counted_as_zero() -> None:
    result = composite(DEFAULT, {"kr": "0", "interview": "0"})
    assert result.grade is None


def test_part_with_zero_weight_is_ignored_even_when_given() -> None:
    template = ReviewTemplate.of({"kr": 100, "self": 0})
    result = composite(template, {"kr": "0.7", "self": "1"})
    assert result.composite == D(70)
    assert result.steps[1] == Step("composite.part_unweighted", {"part": "self"})


def test_part_with_zero_weight_may_be_missing() -> None:
    template = ReviewTemplate.of({"kr": 100, "self": 0})
    assert composite(template, {"kr": "0.7"}).complete


@pytest.mark.parametrize(
    ("template", "parts", "limit"),
    [
        (DEFAULT, {"kr": "1.1", "peer": "1", "interview": "1"}, "1"),
        (OVER, {"kr": "1.3", "peer": "1", "interview": "1"}, "1.2"),
        (OVER, {"kr": "1", "peer": "1.1", "interview": "1"}, "1"),
        (DEFAULT, {"kr": "-0.1", "peer": "1", "interview": "1"}, "1"),
    ],
    ids=["kr-over-default-cap", "kr-over-120", "peer-over-one", "negative"],
)
def test_fraction_outside_range_refused(
    template: ReviewTemplate, parts: dict[str, str], limit: str
) -> None:
    with pytest.raises(InvalidScore) as exc:
        composite(template, parts)
    assert exc.value.code == "composite.fraction_out_of_range"
    assert exc.value.params["limit"] == limit


def test_unknown_part_refused() -> None:
    with pytest.raises(InvalidTemplate):
        composite(DEFAULT, {"boss": "1"})


@pytest.mark.parametrize(
    ("kr", "adjustments", "bonus", "deduction", "expected", "grade"),
    [
        ("1", [Adjustment("typo", 2), Adjustment("duplicate_post")], "0", "2", D("98"), "升级"),
        ("0.9", [Adjustment("post_100k_reads", 2)], "4", "0", D("94"), "升级"),
        ("1", [Adjustment("post_100k_reads", 3), Adjustment("top1")], "10", "0", D("110"), "升级"),
        ("0.9", [Adjustment("typo", 12)], "0", "5", D("85"), "保级"),
        ("0.8", [Adjustment("top3"), Adjustment("wrong_image")], "3", "0.5", D("82.5"), "保级"),
        ("0.9", [Adjustment("title_error")], "0", "1", D("89"), "保级"),
        ("0.81", [Adjustment("typo", 3)], "0", "1.5", D("79.5"), "降级"),
        ("0.02", [Adjustment("title_error", 3)], "0", "3", D("0"), "降级"),
    ],
    ids=[
        "two-typos-and-a-duplicate",
        "two-viral-posts",
        "bonus-capped-at-10-above-scale",
        "deduction-capped-at-5",
        "bonus-and-deduction",
        "deduction-drops-below-90",
        "deduction-drops-below-80",
        "floored-at-zero",
    ],
)
def test_seed_003_adjustments_with_caps(
    kr: str,
    adjustments: list[Adjustment],
    bonus: str,
    deduction: str,
    expected: D,
    grade: str,
) -> None:
    result = composite(NEW_MEDIA, {"kr": kr}, adjustments)
    assert result.adjustments.bonus == D(bonus)
    assert result.adjustments.deduction == D(deduction)
    assert result.composite == expected
    assert result.grade == grade


def test_adjustment_steps_show_items_caps_and_total() -> None:
    result = apply_adjustments(
        NEW_MEDIA, [Adjustment("post_100k_reads", 3), Adjustment("top1"), Adjustment("typo", 12)]
    )
    assert result.bonus_raw == D(14)
    assert result.deduction_raw == D(6)
    assert result.net == D(5)
    assert result.steps == (
        Step("adjust.item", {"kind": "post_100k_reads", "count": "3", "each": "2", "points": "6"}),
        Step("adjust.item", {"kind": "top1", "count": "1", "each": "8", "points": "8"}),
        Step("adjust.item", {"kind": "typo", "count": "12", "each": "-0.5", "points": "-6"}),
        Step("adjust.bonus_capped", {"raw": "14", "cap": "10"}),
        Step("adjust.deduction_capped", {"raw": "6", "cap": "5"}),
        Step("adjust.total", {"bonus": "10", "deduction": "5", "net": "5"}),
    )


def test_floor_at_zero_is_a_step() -> None:
    result = composite(NEW_MEDIA, {"kr": "0.02"}, [Adjustment("title_error", 3)])
    assert Step("composite.floored", {"raw": "-1", "composite": "0"}) in result.steps
    assert result.needs_improvement_plan


def test_uncapped_adjustments_when_template_sets_no_caps() -> None:
    template = ReviewTemplate.of({"kr": 100}, adjustment_kinds=[A("deal", 5)])
    result = composite(template, {"kr": "1"}, [Adjustment("deal", 4)])
    assert result.composite == D(120)


def test_incomplete_result_still_shows_adjustments() -> None:
    result = composite(NEW_MEDIA, {}, [Adjustment("typo")])
    assert not result.complete
    assert result.adjustments.deduction == D("0.5")


@pytest.mark.parametrize(
    ("adjustment", "code"),
    [
        (Adjustment("bribe"), "adjust.unknown_kind"),
        (Adjustment("typo", 0), "adjust.bad_count"),
        (Adjustment("typo", -2), "adjust.bad_count"),
    ],
    ids=["unknown-kind", "zero-count", "negative-count"],
)
def test_bad_adjustment_refused(adjustment: Adjustment, code: str) -> None:
    with pytest.raises(InvalidAdjustment) as exc:
        composite(NEW_MEDIA, {"kr": "1"}, [adjustment])
    assert exc.value.code == code


# Seed 003: 重大差错扣1—5分, chosen per occurrence within the range.
MAJOR = ReviewTemplate.of(
    {"kr": 100},
    adjustment_kinds=[A("typo", "-0.5"), AdjustmentKind.ranged("major_error", -5, -1)],
)


@pytest.mark.parametrize(
    ("chosen", "count", "net"), [("-1", 1, "-1"), ("-5", 1, "-5"), ("-2.5", 2, "-5")]
)
def test_a_ranged_kind_takes_the_chosen_points_within_its_range(
    chosen: str, count: int, net: str
) -> None:
    result = composite(MAJOR, {"kr": "1"}, [Adjustment("major_error", count, points=D(chosen))])
    assert result.adjustments.net == D(net)
    assert result.composite == 100 + D(net)
    assert (
        Step(
            "adjust.item_ranged",
            {
                "kind": "major_error",
                "count": str(count),
                "each": chosen,
                "points": net,
                "low": "-5",
                "high": "-1",
            },
        )
        in result.steps
    )


@pytest.mark.parametrize(
    ("adjustment", "code"),
    [
        (Adjustment("major_error", points=D("-6")), "adjust.out_of_range"),
        (Adjustment("major_error", points=D("-0.5")), "adjust.out_of_range"),
        (Adjustment("major_error"), "adjust.out_of_range"),
        (Adjustment("typo", points=D(-1)), "adjust.fixed_points"),
        (Adjustment.free_form("helped a colleague", 3), "adjust.free_form_refused"),
    ],
    ids=["below", "above", "no-points", "fixed-kind-other-points", "free-form-not-allowed"],
)
def test_points_outside_the_template_are_refused(adjustment: Adjustment, code: str) -> None:
    with pytest.raises(InvalidAdjustment) as exc:
        composite(MAJOR, {"kr": "1"}, [adjustment])
    assert exc.value.code == code


def test_free_form_points_count_only_where_the_template_allows_them() -> None:
    template = ReviewTemplate.of({"kr": 100}, free_form=True)
    result = composite(template, {"kr": "0.9"}, [Adjustment.free_form("客户表扬", 3)])
    assert result.composite == D(93)
    assert Step("adjust.free", {"kind": "客户表扬", "points": "3"}) in result.steps
    with pytest.raises(InvalidAdjustment) as exc:
        composite(template, {"kr": "0.9"}, [Adjustment.free_form("nothing", 0)])
    assert exc.value.code == "adjust.free_form_points"


@pytest.mark.parametrize(
    ("low", "high"),
    [(-1, -5), (-1, 2), (0, 3), (-2, -2)],
    ids=["reversed", "both-sides", "zero", "empty"],
)
def test_a_range_runs_upward_on_one_side_of_zero(low: int, high: int) -> None:
    with pytest.raises(InvalidTemplate) as exc:
        ReviewTemplate.of({"kr": 100}, adjustment_kinds=[AdjustmentKind.ranged("x", low, high)])
    assert exc.value.code == "template.adjustment_range"


@pytest.mark.parametrize(
    ("grade_parts", "plan"),
    [
        ({"kr": "0.5", "peer": "0.5", "interview": "0.5"}, True),
        ({"kr": "0.9", "peer": "0.9", "interview": "0.9"}, False),
    ],
    ids=["fail-needs-plan", "excellent-no-plan"],
)
def test_improvement_plan_follows_template_grades(grade_parts: dict[str, str], plan: bool) -> None:
    result = composite(DEFAULT, grade_parts)
    assert result.needs_improvement_plan is plan
    assert (Step("grade.improvement_plan", {"label": "不合格"}) in result.steps) is plan


def test_seed_000_marketing_specialist_scheme() -> None:
    categories = (
        C("销售业绩", 40, PERCENT),
        C("市场推广", 20, PERCENT),
        C("广告投放", 15, PERCENT),
        C("网络推广", 15, PERCENT),
        C("客户维护", 10, PERCENT),
    )
    template = ReviewTemplate.of({"interview": 100}, {"interview": categories})
    ratings = {"销售业绩": 95, "市场推广": 85, "广告投放": 70, "网络推广": 80, "客户维护": 90}
    part = criteria_score(categories, ratings)
    result = composite(template, {"interview": part.fraction})
    assert result.composite == D("86.5")
    assert result.grade == "良好"


def test_seed_004_second_scheme_with_fair_grade() -> None:
    dims = (
        C("工作效果", 40, PERCENT),
        C("工作效率", 30, PERCENT),
        C("工作积极性", 20, PERCENT),
        C("工作成果", 10, PERCENT),
    )
    template = ReviewTemplate.of(
        {"interview": 100},
        {"interview": dims},
        bands=[B("优秀", 90), B("良好", 80), B("一般", 60), B("不合格", 0)],
        improvement_plan_grades=["一般", "不合格"],
    )
    part = criteria_score(dims, {"工作效果": 70, "工作效率": 60, "工作积极性": 50, "工作成果": 40})
    result = composite(template, {"interview": part.fraction})
    assert result.composite == D(60)
    assert result.grade == "一般"
    assert result.needs_improvement_plan


def test_parts_accept_enum_keys() -> None:
    result = composite(DEFAULT, {Part.KR: "1", Part.PEER: "1", Part.INTERVIEW: "1"})
    assert result.composite == D(100)


def test_grade_is_decided_on_the_composite_as_shown_not_on_division_residue() -> None:
    """5/6 stored to 12 places is 0.833333333333: 79.99999999998 points, shown and graded as 80.00."""
    template = ReviewTemplate.of(
        {"kr": 60, "interview": 40}, {"interview": (C("面谈", 100, PERCENT),)}
    )
    result = composite(template, {"kr": D("0.833333333333"), "interview": D("0.75")})
    assert result.composite == D("79.99999999998")
    assert result.grade == "良好"
    assert (
        Step.of("composite.graded_on", composite=result.composite, shown=D("80.00"), places=2)
        in result.steps
    )


def test_a_composite_truly_below_a_band_edge_keeps_the_lower_grade() -> None:
    template = ReviewTemplate.of({"kr": 100})
    assert composite(template, {"kr": D("0.79994")}).grade == "合格"  # 79.994 shows as 79.99
    assert composite(template, {"kr": D("0.79995")}).grade == "良好"  # 79.995 shows as 80.00
