"""Review templates (parts, criteria, adjustments) and grade bands with their edges."""

from decimal import Decimal as D

import pytest

from okr.domain.errors import InvalidBands, InvalidScore, InvalidTemplate, WeightsDoNotSum
from okr.domain.grades import grade_for
from okr.domain.steps import Step
from okr.domain.template import (
    DEFAULT_BANDS,
    PERCENT,
    STARS,
    AdjustmentKind,
    Criterion,
    GradeBand,
    Part,
    ReviewTemplate,
    Scale,
    validate_bands,
)

B = GradeBand.of
C = Criterion.of

# Seed 000, department scheme on 120 points: ">= 108 excellent, >= 95 pass, < 80 needs
# encouragement".  The seed names no band for 80 <= score < 95: "未命名" marks that hole.
DEPT_120 = (B("优秀", 108), B("合格", 95), B("未命名", 80), B("需鼓励", 0))
# Seed 003 new media: ">= 90 upgrade, 80-90 keep, < 80 downgrade".
NEW_MEDIA = (B("升级", 90), B("保级", 80), B("降级", 0))
# Seed 000 monthly promotion staff: "90 and below (90 included) needs effort; above 100 excellent".
MONTHLY_100 = (B("优秀", 100, inclusive=False), B("合格", 90, inclusive=False), B("需努力", 0))
PEER = (C("合作能力", 40), C("创新能力", 30), C("执行能力", 30))


@pytest.mark.parametrize(
    ("bands", "score", "label"),
    [
        (DEFAULT_BANDS, "100", "优秀"),
        (DEFAULT_BANDS, "90", "优秀"),
        (DEFAULT_BANDS, "89.99", "良好"),
        (DEFAULT_BANDS, "80", "良好"),
        (DEFAULT_BANDS, "79.99", "合格"),
        (DEFAULT_BANDS, "60", "合格"),
        (DEFAULT_BANDS, "59.99", "不合格"),
        (DEFAULT_BANDS, "0", "不合格"),
        (DEFAULT_BANDS, "112", "优秀"),
        (DEPT_120, "120", "优秀"),
        (DEPT_120, "108", "优秀"),
        (DEPT_120, "107.99", "合格"),
        (DEPT_120, "95", "合格"),
        (DEPT_120, "94.99", "未命名"),
        (DEPT_120, "80", "未命名"),
        (DEPT_120, "79.99", "需鼓励"),
        (NEW_MEDIA, "90", "升级"),
        (NEW_MEDIA, "89.99", "保级"),
        (NEW_MEDIA, "80", "保级"),
        (NEW_MEDIA, "79.99", "降级"),
        (MONTHLY_100, "90", "需努力"),
        (MONTHLY_100, "90.01", "合格"),
        (MONTHLY_100, "100", "合格"),
        (MONTHLY_100, "100.5", "优秀"),
    ],
    ids=[
        "default-100",
        "default-exactly-90",
        "default-89.99",
        "default-exactly-80",
        "default-79.99",
        "default-exactly-60",
        "default-59.99",
        "default-zero",
        "default-above-scale",
        "dept120-full",
        "dept120-exactly-108",
        "dept120-107.99",
        "dept120-exactly-95",
        "dept120-94.99-unnamed",
        "dept120-exactly-80",
        "dept120-79.99",
        "newmedia-exactly-90",
        "newmedia-89.99",
        "newmedia-exactly-80",
        "newmedia-79.99",
        "monthly-90-included-in-needs-effort",
        "monthly-just-above-90",
        "monthly-exactly-100",
        "monthly-above-100",
    ],
)
def test_grade_is_band_with_highest_threshold_reached(
    bands: tuple[GradeBand, ...], score: str, label: str
) -> None:
    assert grade_for(bands, score).label == label


def test_grade_step_names_score_threshold_and_label() -> None:
    assert grade_for(DEFAULT_BANDS, "90").steps == (
        Step("grade.band", {"score": "90", "label": "优秀", "threshold": "90"}),
    )


def test_exclusive_grade_step_uses_its_own_code() -> None:
    step = grade_for(MONTHLY_100, "95").steps[0]
    assert step == Step("grade.band_exclusive", {"score": "95", "label": "合格", "threshold": "90"})


def test_validate_bands_sorts_highest_first() -> None:
    ordered = validate_bands([B("c", 0), B("a", 90), B("b", 60)])
    assert [b.label for b in ordered] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("bands", "code", "params"),
    [
        ([], "bands.empty", {}),
        ([B("a", 90), B("b", 90), B("c", 0)], "bands.duplicate_threshold", {"threshold": "90"}),
        ([B("a", 90), B("a", 0)], "bands.duplicate_label", {"label": "a"}),
        ([B("a", 90), B("b", 60)], "bands.no_floor", {"label": "b", "lowest": "60"}),
        ([B("a", 90), B("b", 0, inclusive=False)], "bands.no_floor", {"label": "b", "lowest": "0"}),
        ([B("a", "90.0"), B("b", 90), B("c", 0)], "bands.duplicate_threshold", {"threshold": "90"}),
    ],
    ids=[
        "empty",
        "duplicate-threshold",
        "duplicate-label",
        "lowest-above-zero",
        "lowest-zero-exclusive",
        "duplicate-threshold-different-spelling",
    ],
)
def test_validate_bands_refuses_bad_bands(
    bands: list[GradeBand], code: str, params: dict[str, str]
) -> None:
    with pytest.raises(InvalidBands) as exc:
        validate_bands(bands)
    assert exc.value.code == code
    assert exc.value.params == params


def test_lowest_band_below_zero_is_allowed() -> None:
    assert grade_for([B("a", 50), B("b", -10)], "-5").label == "b"


def test_score_below_every_band_refused() -> None:
    with pytest.raises(InvalidScore) as exc:
        grade_for([B("a", 50), B("b", -10)], "-20")
    assert exc.value.code == "grade.below_all_bands"


def default_template(**overrides: object) -> ReviewTemplate:
    args: dict[str, object] = {
        "parts": {"kr": 60, "peer": 20, "interview": 20},
        "criteria": {"peer": PEER, "interview": (C("面谈", 100, PERCENT),)},
    }
    args.update(overrides)
    return ReviewTemplate.of(**args)  # type: ignore[arg-type]


def test_default_template_is_valid_and_normalised() -> None:
    template = default_template()
    assert template.weight(Part.KR) == D(60)
    assert template.weight(Part.SELF) == D(0)
    assert template.total_scale == D(100)
    assert template.bands == DEFAULT_BANDS


def test_template_parts_not_summing_to_100_refused() -> None:
    with pytest.raises(WeightsDoNotSum) as exc:
        default_template(parts={"kr": 60, "peer": 30, "interview": 20})
    assert exc.value.params["scope"] == "parts"
    assert exc.value.params["sum"] == "110"


def test_seed_004_five_dimensions_at_110_percent_refused() -> None:
    dims = [
        C("粉丝", 40),
        C("内容质量", 30),
        C("互动效果", 20),
        C("销售业绩", 10),
        C("运营成本", 10),
    ]
    with pytest.raises(WeightsDoNotSum) as exc:
        ReviewTemplate.of({"interview": 100}, {"interview": dims})
    assert exc.value.params == {
        "scope": "criteria.interview",
        "weights": "40 + 30 + 20 + 10 + 10",
        "sum": "110",
        "expected": "100",
    }


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"parts": {"kr": 80, "peer": 20}, "criteria": {}}, "template.criteria_missing"),
        (
            {"criteria": {"peer": (*PEER, C("合作能力", 0)), "interview": PEER}},
            "template.duplicate_criterion",
        ),
        (
            {"criteria": {"peer": (C("x", 100, Scale.of(5, 1)),), "interview": PEER}},
            "template.scale_invalid",
        ),
        (
            {"criteria": {"peer": (C("x", 100, Scale.of(3, 3)),), "interview": PEER}},
            "template.scale_invalid",
        ),
        ({"total_scale": 0}, "template.scale_not_positive"),
        (
            {"adjustment_kinds": [AdjustmentKind.of("typo", "-0.5")] * 2},
            "template.duplicate_adjustment",
        ),
        ({"adjustment_kinds": [AdjustmentKind.of("nothing", 0)]}, "template.adjustment_zero"),
        ({"bonus_cap": -1}, "template.cap_negative"),
        ({"deduction_cap": "-0.5"}, "template.cap_negative"),
        ({"improvement_plan_grades": ["差"]}, "template.unknown_grade"),
        ({"min_peer_raters": 0}, "template.min_raters"),
        ({"attainment_cap": "0.9"}, "attain.cap_below_one"),
        ({"parts": {"kr": 60, "boss": 40}}, "template.unknown_part"),
        ({"criteria": {"kr": PEER, "peer": PEER, "interview": PEER}}, "template.kr_has_criteria"),
    ],
    ids=[
        "weighted-part-without-criteria",
        "duplicate-criterion",
        "scale-downward",
        "scale-empty",
        "total-scale-zero",
        "duplicate-adjustment",
        "zero-adjustment",
        "negative-bonus-cap",
        "negative-deduction-cap",
        "improvement-grade-not-a-band",
        "no-peer-raters",
        "attainment-cap-below-one",
        "unknown-part",
        "kr-part-with-criteria",
    ],
)
def test_template_validation_refuses_inconsistencies(
    overrides: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidTemplate) as exc:
        default_template(**overrides)
    assert exc.value.code == code


def test_part_weighing_zero_needs_no_criteria() -> None:
    template = ReviewTemplate.of({"kr": 100, "peer": 0})
    assert template.weight(Part.PEER) == D(0)


def test_template_with_120_scale_and_bands() -> None:
    template = ReviewTemplate.of({"kr": 100}, bands=DEPT_120, total_scale=120)
    assert template.total_scale == D(120)
    assert [b.min_score for b in template.bands] == [D(108), D(95), D(80), D(0)]


def test_scales_have_expected_ends() -> None:
    assert (STARS.min, STARS.max) == (D(1), D(5))
    assert (PERCENT.min, PERCENT.max) == (D(0), D(100))
