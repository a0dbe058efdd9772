"""Every code the domain emits has an English template whose placeholders match its params."""

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from okr.domain import cycle_rollup as cr
from okr.domain import explain
from okr.domain.attainment import attainment
from okr.domain.band_conditions import BandCondition
from okr.domain.calibration import ConsecutiveLowRule, CycleOutcome, check_quotas, consecutive_low
from okr.domain.composite import Adjustment, composite
from okr.domain.errors import DomainError
from okr.domain.grades import grade_for
from okr.domain.krspec import Direction, HoldScoring, KeyResultSpec, KRKind, validate_spec
from okr.domain.numbers import check_range, parse_decimal, round_display, to_decimal
from okr.domain.outcomes import (
    Gives,
    Highest,
    OutcomeRule,
    When,
    outcomes_for,
    validate_outcomes,
)
from okr.domain.periods import CycleKind, Period, period_containing, period_from_label
from okr.domain.ratings import criteria_score, peer_score
from okr.domain.rollup import (
    ProgressRule,
    WeightedValue,
    objective_progress,
    okr_score,
    parent_progress,
)
from okr.domain.scorecard import Indicator, KRScore, Section, score_section
from okr.domain.steps import Issue, Step, rounding_step, steps_from_data
from okr.domain.streaks import Consequence, CycleResult, StreakRule, streak_of, validate_streaks
from okr.domain.template import (
    PERCENT,
    AdjustmentKind,
    Criterion,
    GradeBand,
    ReviewTemplate,
    Scale,
    validate_bands,
)
from okr.domain.tiers import Tier
from okr.domain.weights import check_weights, plain_mean, weighted_mean
from okr.objectives.models import KeyResult
from okr.objectives.progress import kr_attainment
from okr.reviews.kr_indicators import fed_values
from okr.schemes.checks import validate
from okr.schemes.format import TemplateSpec
from tests.reviews.kr_fed import kr_fed_scheme

DOMAIN = Path(__file__).resolve().parents[2] / "okr" / "domain"
ALL_TEMPLATES = {**explain.STEP_TEMPLATES, **explain.ERROR_TEMPLATES}
CODE_LITERAL = re.compile(r"""["']([a-z_]+(?:\.[a-z_]+)+)["']""")

C = Criterion.of
PEER = (C("coop", 50), C("exec", 50))
W = WeightedValue.of
TIERS = KeyResultSpec.tiered(
    [Tier.of(None, 10, 0), Tier.of(10, 20, 3), Tier.of(20, 30, 5, lower_inclusive=False)]
)
STREAK = StreakRule("dismiss", 3, When(high=D(90)), Consequence.DISMISSAL_REVIEW)
OUTCOMES = [
    OutcomeRule("first", When(rank=1), Gives.MONEY, D(100)),
    OutcomeRule("high", When(low=D(108), low_inclusive=False), Gives.MONEY, None, D(50), D(200)),
    OutcomeRule("coef", When(frozenset({"top"})), Gives.COEFFICIENT, D("1.2")),
    OutcomeRule("low", When(high=D(65)), Gives.MONEY, None, D(-200), D(-50)),
]
HIGHEST = OutcomeRule("reach", When(highest="card.growth"), Gives.MONEY, D(300))
CARD = Section(
    "card",
    (
        Indicator.points("entered", 10),
        Indicator.deductions("rules", 10, -1),
        Indicator.value("growth", 5, KeyResultSpec.increase(50, 60)),
        Indicator.value("tiers", 5, KeyResultSpec.tiered([Tier.of(0, None, 5)])),
    ),
)
CARDS = ReviewTemplate.of(
    {"card": 30, "interview": 10},
    {"interview": PEER},
    total_scale=40,
    points=True,
    sections=[CARD],
)
YEARLY = cr.CycleRollup("m", bonuses=(cr.YearEndBonus("a", D(4), outcome="x"),))
WEIGHTED_CARD = ReviewTemplate.of({"card": 100}, sections=[CARD])
ALL_90 = ReviewTemplate.of(
    {"interview": 100},
    {"interview": [Criterion.of("a", 50, PERCENT), Criterion.of("b", 50, PERCENT)]},
    bands=[
        GradeBand.of("top", 90, condition=BandCondition.of("interview", 90)),
        GradeBand.of("low", 0),
    ],
)
FREE = ReviewTemplate.of(
    {"kr": 100},
    adjustment_kinds=[AdjustmentKind.ranged("major", -5, -1)],
    free_form=True,
)
TEMPLATE = ReviewTemplate.of(
    {"kr": 80, "peer": 20},
    {"peer": PEER},
    bands=[
        GradeBand.of("top", 100, inclusive=False),
        GradeBand.of("ok", 50),
        GradeBand.of("low", 0),
    ],
    adjustment_kinds=[AdjustmentKind.of("bonus", 5), AdjustmentKind.of("fine", -5)],
    bonus_cap=8,
    deduction_cap=4,
    improvement_plan_grades=["low"],
)


# Steps built outside the domain, from what the app reads: a time target's due date, the key
# results fed to scorecard indicators.
APP_STEPS = ("objectives/progress.py", "reviews/kr_indicators.py")


# In those, a code is what a step is built with: Step.of("code", …), or one of two chosen for it.
APP_CODE = re.compile(
    r"""(?:Step\.of\(\s*|else\s+)"([a-z_]+(?:\.[a-z_]+)+)"|"([a-z_]+(?:\.[a-z_]+)+)"\s+if\b"""
)


def source_codes() -> set[str]:
    codes: set[str] = set()
    for path in DOMAIN.glob("*.py"):
        if path.name != "explain.py":
            codes |= set(CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    for name in APP_STEPS:
        found = APP_CODE.findall((DOMAIN.parent / name).read_text(encoding="utf-8"))
        codes |= {code for pair in found for code in pair if code}
    return codes


def test_every_code_in_the_source_has_a_template() -> None:
    assert source_codes() - ALL_TEMPLATES.keys() == set()


def test_every_template_is_used_by_the_source() -> None:
    assert ALL_TEMPLATES.keys() - source_codes() == set()


def test_step_and_error_tables_do_not_share_codes() -> None:
    assert explain.STEP_TEMPLATES.keys() & explain.ERROR_TEMPLATES.keys() == set()


def test_describe_fills_named_placeholders() -> None:
    params = {"start": "100", "target": "200", "current": "150", "progress": "0.5"}
    assert explain.describe("kr.increase", params) == "(150 − 100) ÷ (200 − 100) = 0.5"


def test_describe_unknown_code_raises_key_error() -> None:
    with pytest.raises(KeyError):
        explain.describe("no.such", {})


def test_rounding_rule_constant_matches_template() -> None:
    assert "half up to {places} decimals" in explain.STEP_TEMPLATES["round.half_up"]


# Each scenario emits steps or issues, or raises a DomainError.
Scenario = Callable[[], object]
# Indicators fed by key results: in the domain, and as the review reads a person's key results
# (okr.reviews.kr_indicators); a time target's attainment names its due date (okr.objectives).
FED = Section(
    "fed",
    (Indicator.kr("points", 10, KRScore.POINTS), Indicator.kr("share", 5, KRScore.ATTAINMENT)),
)


def _time_target(due_value: D | None) -> KeyResult:
    return KeyResult(
        title="上线", kind="increase", start=D(0), target=D(100), tiers=[], aspect="time",
        due_on=date(2026, 11, 15), due_value=due_value, current=D(80),
    )  # fmt: skip


def _fed_spec() -> TemplateSpec:
    return validate(kr_fed_scheme())[1]


def _links(survey: D | None, exposure: D | None) -> dict[str, KeyResult]:
    """The person's key results feeding 用户满意度调查 and 品牌曝光度 (用户投诉率 not linked)."""
    points = KeyResult(
        title="用户满意度提升", unit="%", kind="per_unit", start=D(0), step=D(1),
        points_per_step=D("0.5"), direction="up", max_points=D(10), tiers=[], current=survey,
    )  # fmt: skip
    reach = KeyResult(
        title="品牌曝光次数", unit="次", kind="increase", start=D(0), target=D(1000), tiers=[],
        current=exposure,
    )  # fmt: skip
    return {"satisfaction.survey": points, "brand.exposure": reach}


SCENARIOS: list[Scenario] = [
    lambda: attainment(KeyResultSpec.increase(100, 200), None),
    lambda: attainment(KeyResultSpec.increase(100, 200), 250),
    lambda: attainment(KeyResultSpec.decrease(8, "5.5"), 9),
    lambda: attainment(KeyResultSpec.ratio(4000), 3000),
    lambda: attainment(KeyResultSpec.at_least(3, HoldScoring.PROPORTIONAL), 3),
    lambda: attainment(KeyResultSpec.at_least(3, HoldScoring.PROPORTIONAL), 2),
    lambda: attainment(KeyResultSpec.at_most(3, HoldScoring.PROPORTIONAL), 3),
    lambda: attainment(KeyResultSpec.at_most(3, HoldScoring.PROPORTIONAL), 4),
    lambda: attainment(KeyResultSpec.at_least(3), 3),
    lambda: attainment(KeyResultSpec.at_least(3), 2),
    lambda: attainment(KeyResultSpec.at_least(3, strict=True), 3),
    lambda: attainment(KeyResultSpec.at_least(3, strict=True), 4),
    lambda: attainment(KeyResultSpec.at_most(3), 3),
    lambda: attainment(KeyResultSpec.at_most(3), 4),
    lambda: attainment(KeyResultSpec.at_most(3, strict=True), 3),
    lambda: attainment(KeyResultSpec.at_most(3, strict=True), 2),
    lambda: attainment(KeyResultSpec.milestone(), True),
    lambda: attainment(KeyResultSpec.milestone(), False),
    lambda: attainment(KeyResultSpec.milestone(), 2),
    lambda: attainment(KeyResultSpec.per_unit(80, 1, "0.5", 10), 101),
    lambda: attainment(KeyResultSpec.per_unit(8, 1, 1, 10, Direction.DOWN), 5),
    lambda: attainment(TIERS, 15),
    lambda: attainment(TIERS, 20),
    lambda: attainment(KeyResultSpec.increase(1, 2), 1, "0.5"),
    lambda: validate_spec(KeyResultSpec.increase(1, 1)),
    lambda: validate_spec(KeyResultSpec.increase(2, 1)),
    lambda: validate_spec(KeyResultSpec.decrease(1, 1)),
    lambda: validate_spec(KeyResultSpec.decrease(1, 2)),
    lambda: validate_spec(KeyResultSpec(KRKind.INCREASE)),
    lambda: validate_spec(KeyResultSpec.at_least(0)),
    lambda: validate_spec(KeyResultSpec.at_most(-1)),
    lambda: validate_spec(KeyResultSpec.at_most(0, strict=True)),
    lambda: validate_spec(KeyResultSpec.at_least(3, HoldScoring.PROPORTIONAL, strict=True)),
    lambda: validate_spec(
        KeyResultSpec(KRKind.RATIO, target=D(1), hold_scoring=HoldScoring.PASS_FAIL)
    ),
    lambda: validate_spec(KeyResultSpec(KRKind.MILESTONE, hold_strict=True)),
    lambda: validate_spec(KeyResultSpec.per_unit(0, 0, 0, 0)),
    lambda: validate_spec(KeyResultSpec.tiered([])),
    lambda: validate_spec(KeyResultSpec.tiered([Tier.of(5, 1, -1), Tier.of(2, 2, 1)])),
    lambda: validate_spec(KeyResultSpec.tiered([Tier.of(0, 5, 1), Tier.of(4, 9, 0)])),
    lambda: validate_spec(KeyResultSpec.tiered([Tier.of(0, 5, 0)])),
    lambda: validate_spec(KeyResultSpec.tiered([Tier.of(0, 5, 1), Tier.of(6, 9, 2)])),
    lambda: check_weights([60, 40]),
    lambda: check_weights([60, 50]),
    lambda: check_weights([120, -20]),
    lambda: weighted_mean([]),
    lambda: weighted_mean([(1, 0)]),
    lambda: plain_mean([1, 2]),
    lambda: objective_progress([W("a", 1, 100)]),
    lambda: objective_progress([]),
    lambda: okr_score([]),
    lambda: parent_progress(ProgressRule.BOTH, [W("a", 1, 100)], [("c", "0.5"), ("d", None)]),
    lambda: parent_progress(ProgressRule.BOTH, [], [("c", "0.5")]),
    lambda: parent_progress(ProgressRule.BOTH, [], [("d", None)]),
    lambda: criteria_score(PEER, {"coop": 5}),
    lambda: criteria_score(PEER, {"coop": 9, "exec": 1}),
    lambda: criteria_score(PEER, {"other": 1}),
    lambda: criteria_score([], {}),
    lambda: criteria_score([C("x", 100, Scale.of(5, 1))], {}),
    lambda: criteria_score([C("x", 50), C("x", 50)], {}),
    lambda: peer_score(PEER, {"b": {"coop": 5, "exec": 5}, "c": {"coop": 1}}, "a"),
    lambda: peer_score(PEER, {"b": {"coop": 5, "exec": 5}}, "a", 2),
    lambda: peer_score(PEER, {"a": {"coop": 5, "exec": 5}}, "a"),
    lambda: composite(
        TEMPLATE,
        {"kr": 1, "peer": 1, "self": 1},
        [Adjustment("bonus", 2), Adjustment("fine", 1)],
    ),
    lambda: composite(TEMPLATE, {"kr": 0, "peer": 0}, [Adjustment("fine", 2)]),
    lambda: composite(TEMPLATE, {"kr": 1}),
    lambda: composite(TEMPLATE, {"kr": D(2) / 3, "peer": 1}),
    lambda: composite(TEMPLATE, {"kr": 2, "peer": 1}),
    lambda: composite(TEMPLATE, {"kr": 1, "peer": 1}, [Adjustment("gift")]),
    lambda: composite(TEMPLATE, {"kr": 1, "peer": 1}, [Adjustment("fine", 0)]),
    lambda: composite(TEMPLATE, {"kr": 1, "peer": 1}, [Adjustment("fine", points=D(-4))]),
    lambda: composite(FREE, {"kr": 1}, [Adjustment("major", 2, points=D(-3))]),
    lambda: composite(FREE, {"kr": 1}, [Adjustment("major", points=D(-6))]),
    lambda: composite(FREE, {"kr": 1}, [Adjustment.free_form("helped a colleague", 2)]),
    lambda: composite(FREE, {"kr": 1}, [Adjustment.free_form("nothing", 0)]),
    lambda: composite(TEMPLATE, {"kr": 1, "peer": 1}, [Adjustment.free_form("late", -1)]),
    # a streak rule's points carried into the period: counted where free-form is refused
    lambda: composite(
        TEMPLATE, {"kr": 1, "peer": 1}, [Adjustment("连续两季低于90", points=-1, carried=True)]
    ),
    lambda: ReviewTemplate.of({"kr": 100}, adjustment_kinds=[AdjustmentKind.ranged("a", -1, 2)]),
    lambda: grade_for(TEMPLATE.bands, "60"),
    lambda: outcomes_for(OUTCOMES, D(110), "top", {"department": 1}),
    lambda: streak_of(STREAK, [CycleResult(D(80), "low")] * 3),
    lambda: streak_of(STREAK, [CycleResult(D(95), "top")]),
    lambda: cr.roll_up("p", cr.CycleRollup("m"), []),
    lambda: composite(
        ReviewTemplate.of({"p": 100}, points=True, rollups={"p": YEARLY}),
        {},
        rollups={"p": cr.roll_up("p", YEARLY, [cr.CycleResult("1", D(80), frozenset({"x"}))])},
    ),
    lambda: composite(
        ReviewTemplate.of({"p": 100}, rollups={"p": cr.CycleRollup("m")}),
        {},
        rollups={"p": cr.roll_up("p", cr.CycleRollup("m"), [cr.CycleResult("1", D(80))])},
    ),
    lambda: cr.roll_up(
        "p",
        cr.CycleRollup(
            "m",
            cr.Of.SUM,
            bonuses=(
                cr.YearEndBonus("a", D(4), outcome="x"),
                cr.YearEndBonus("b", D(2), top=3, cap=D(2)),
                cr.YearEndBonus("c", D(1), outcome="y"),
            ),
        ),
        [cr.CycleResult("1", D(80), frozenset({"x"}), 1), cr.CycleResult("2", D(90), rank=2)],
    ),
    lambda: cr.roll_up("p", cr.CycleRollup("m"), [cr.CycleResult("1", D(80))]),
    lambda: cr.validate_rollup(cr.CycleRollup("")),
    lambda: cr.validate_rollup(cr.CycleRollup("m", cycles="x")),
    lambda: cr.validate_rollup(
        cr.CycleRollup("m", bonuses=(cr.YearEndBonus("a", D(1), top=1),) * 2)
    ),
    lambda: cr.validate_rollup(cr.CycleRollup("m", bonuses=(cr.YearEndBonus("a", D(1)),))),
    lambda: cr.validate_rollup(cr.CycleRollup("m", bonuses=(cr.YearEndBonus("a", D(1), top=0),))),
    lambda: cr.validate_rollup(cr.CycleRollup("m", bonuses=(cr.YearEndBonus("a", D(0), top=1),))),
    lambda: cr.validate_rollup(
        cr.CycleRollup("m", bonuses=(cr.YearEndBonus("a", D(1), top=1, cap=D(0)),))
    ),
    lambda: validate_streaks([STREAK, STREAK], ["low"]),
    lambda: validate_streaks([StreakRule("s", 1, When(high=D(90)), Consequence.WARNING)], []),
    lambda: validate_streaks([StreakRule("s", 2, When(), Consequence.WARNING)], []),
    lambda: validate_streaks([StreakRule("s", 2, When(frozenset({"x"})), Consequence.WARNING)], []),
    lambda: validate_streaks([StreakRule("s", 2, When(rank=0), Consequence.WARNING)], []),
    lambda: validate_streaks([StreakRule("s", 2, When(rank=3), Consequence.POINTS)], []),
    lambda: validate_streaks([StreakRule("s", 2, When(rank=3), Consequence.TITLE)], []),
    lambda: validate_streaks(
        [StreakRule("s", 2, When(rank=3), Consequence.WARNING, absent=True, outcome="a")], [], ["a"]
    ),
    lambda: validate_streaks(
        [StreakRule("s", 2, When(), Consequence.WARNING, absent=True, outcome="b")], [], ["a"]
    ),
    lambda: outcomes_for(OUTCOMES, D(10), "low", {}),
    lambda: outcomes_for([HIGHEST], D(10), "low", {}),
    lambda: outcomes_for(
        [HIGHEST], D(10), "low", {}, {("card.growth", "department"): Highest(D(58), D(58))}
    ),
    lambda: validate_outcomes([HIGHEST], [], {"card.entered"}),
    lambda: validate_outcomes([OUTCOMES[0]] * 2, ["top"]),
    lambda: validate_outcomes([OutcomeRule("x", When(), Gives.MONEY, D(1))], []),
    lambda: validate_outcomes([OutcomeRule("x", When(frozenset({"nope"})), Gives.MONEY, D(1))], []),
    lambda: validate_outcomes([OutcomeRule("x", When(low=D(5), high=D(1)), Gives.MONEY, D(1))], []),
    lambda: validate_outcomes([OutcomeRule("x", When(rank=0), Gives.MONEY, D(1))], []),
    lambda: validate_outcomes([OutcomeRule("x", When(rank=1), Gives.MONEY)], []),
    lambda: score_section(CARD, {"entered": "3", "rules": "2", "growth": "55", "tiers": "2"}),
    lambda: score_section(CARD, {"entered": "3"}),
    lambda: score_section(CARD, {"entered": "30"}),
    lambda: score_section(CARD, {"rules": "-1"}),
    lambda: score_section(CARD, {"nope": "1"}),
    lambda: score_section(FED, {"points": "6", "share": "60"}),
    lambda: score_section(FED, {"points": "6", "share": "-5"}),
    lambda: kr_attainment(_time_target(D(50)), D(1)),
    lambda: kr_attainment(_time_target(None), D(1)),
    lambda: fed_values(_fed_spec(), {}),
    lambda: fed_values(_fed_spec(), _links(D(7), D(600))),
    lambda: fed_values(_fed_spec(), _links(None, None)),
    lambda: composite(CARDS, {"interview": "0.5"}, sections={"card": D(12)}),
    lambda: composite(WEIGHTED_CARD, {}, sections={"card": D(12)}),
    lambda: ReviewTemplate.of({"s": 1}, sections=[Section("s", ())]),
    lambda: ReviewTemplate.of({"kr": 100}, sections=[Section("kr", CARD.indicators)]),
    lambda: ReviewTemplate.of(
        {"s": 100}, sections=[Section("s", (Indicator.points("a", 1), Indicator.points("a", 1)))]
    ),
    lambda: ReviewTemplate.of({"s": 100}, sections=[Section("s", (Indicator.points("a", 0),))]),
    lambda: ReviewTemplate.of(
        {"s": 100}, sections=[Section("s", (Indicator.deductions("a", 5, 1),))]
    ),
    lambda: ReviewTemplate.of(
        {"s": 100},
        sections=[Section("s", (Indicator.value("a", 1, KeyResultSpec.per_unit(0, 1, 1, 5)),))],
    ),
    lambda: ReviewTemplate.of({"card": 5}, points=True, total_scale=5, sections=[CARD]),
    lambda: ReviewTemplate.of({"card": 30}, points=True, total_scale=40, sections=[CARD]),
    lambda: composite(ALL_90, {"interview": 1}, ratings={"interview": {"a": 90, "b": 95}}),
    lambda: composite(ALL_90, {"interview": "0.95"}, ratings={"interview": {"a": 100, "b": 89}}),
    lambda: validate_bands([GradeBand.of("a", 0, condition=BandCondition.of("self", 1))]),
    lambda: ReviewTemplate.of(
        {"kr": 100},
        bands=[
            GradeBand.of("top", 90, condition=BandCondition.of("peer", 1)),
            GradeBand.of("low", 0),
        ],
    ),
    lambda: ReviewTemplate.of(
        {"interview": 100},
        {"interview": [Criterion.of("a", 50, PERCENT), Criterion.of("b", 50)]},
        bands=[
            GradeBand.of("top", 90, condition=BandCondition.of("interview", 1)),
            GradeBand.of("low", 0),
        ],
    ),
    lambda: ReviewTemplate.of(
        {"interview": 100},
        {"interview": [Criterion.of("a", 100, PERCENT)]},
        bands=[
            GradeBand.of("top", 90, condition=BandCondition.of("interview", 101)),
            GradeBand.of("low", 0),
        ],
    ),
    lambda: ReviewTemplate.of(
        {"interview": 100},
        {"interview": [Criterion.of("a", 100, PERCENT)]},
        bands=[
            GradeBand.of("top", 90, condition=BandCondition.of("interview", 90, 2)),
            GradeBand.of("low", 0),
        ],
    ),
    lambda: grade_for([GradeBand.of("a", -5)], "-10"),
    lambda: validate_bands([]),
    lambda: validate_bands([GradeBand.of("a", 0), GradeBand.of("a", 1)]),
    lambda: validate_bands([GradeBand.of("a", 0), GradeBand.of("b", 0)]),
    lambda: validate_bands([GradeBand.of("a", 10)]),
    lambda: ReviewTemplate.of({"nobody": 100}),
    lambda: ReviewTemplate.of({"kr": 100}, {"kr": PEER}),
    lambda: ReviewTemplate.of({"peer": 100}),
    lambda: ReviewTemplate.of({"kr": 100}, total_scale=0),
    lambda: ReviewTemplate.of({"kr": 100}, adjustment_kinds=[AdjustmentKind.of("a", 1)] * 2),
    lambda: ReviewTemplate.of({"kr": 100}, adjustment_kinds=[AdjustmentKind.of("a", 0)]),
    lambda: ReviewTemplate.of({"kr": 100}, bonus_cap=-1),
    lambda: ReviewTemplate.of({"kr": 100}, improvement_plan_grades=["nope"]),
    lambda: ReviewTemplate.of({"kr": 100}, min_peer_raters=0),
    lambda: check_quotas(["a", "a", "b"], {"a": "0.5", "b": "0.5"}),
    lambda: check_quotas(["a"], {"a": 2}),
    lambda: consecutive_low([CycleOutcome.of(1)], ConsecutiveLowRule(1, D(2))),
    lambda: consecutive_low([CycleOutcome.of(3)], ConsecutiveLowRule(1, D(2))),
    lambda: consecutive_low(
        [CycleOutcome(None, "需鼓励")], ConsecutiveLowRule(1, grades=frozenset({"需鼓励"}))
    ),
    lambda: consecutive_low(
        [CycleOutcome(None, "合格")], ConsecutiveLowRule(1, grades=frozenset({"需鼓励"}))
    ),
    lambda: consecutive_low(
        [CycleOutcome(D(1), "合格")], ConsecutiveLowRule(1, D(2), grades=frozenset({"需鼓励"}))
    ),
    lambda: consecutive_low(
        [CycleOutcome(D(3), "合格")], ConsecutiveLowRule(1, D(2), grades=frozenset({"需鼓励"}))
    ),
    lambda: consecutive_low([], ConsecutiveLowRule(0, D(2))),
    lambda: consecutive_low([], ConsecutiveLowRule(1)),
    lambda: rounding_step(D("89.995"), 2),
    lambda: round_display(D(1), -1),
    lambda: parse_decimal(""),
    lambda: parse_decimal("x"),
    lambda: parse_decimal("nan"),
    lambda: parse_decimal("5%"),
    lambda: parse_decimal("1" * 50),
    lambda: parse_decimal("99999999999999999999999"),
    lambda: parse_decimal("0.1234567"),
    lambda: check_range(D(110), 0, 100),
    lambda: check_range(D(-1), 0),
    lambda: check_range(D(2000), None, 1000),
    lambda: parse_decimal(5),  # type: ignore[arg-type]
    lambda: to_decimal(1.5),  # type: ignore[arg-type]
    lambda: to_decimal(None),  # type: ignore[arg-type]
    lambda: steps_from_data([{"code": 1}]),
    lambda: Period(CycleKind.MONTH, date(2026, 1, 2), date(2026, 1, 31)),
    lambda: period_containing(CycleKind.YEAR, date(9999, 1, 1)),
    lambda: period_from_label("soon"),
]


def emitted(outcome: object) -> Iterable[tuple[str, dict[str, str]]]:
    if isinstance(outcome, Step | Issue):
        yield outcome.code, outcome.params
    elif isinstance(outcome, tuple | list):
        for item in outcome:
            yield from emitted(item)
    elif hasattr(outcome, "__dataclass_fields__"):
        for name in outcome.__dataclass_fields__:
            yield from emitted(getattr(outcome, name))
    elif isinstance(outcome, dict):
        for item in outcome.values():
            yield from emitted(item)


def run_all() -> list[tuple[str, dict[str, str]]]:
    seen: list[tuple[str, dict[str, str]]] = []
    for scenario in SCENARIOS:
        try:
            outcome = scenario()
        except DomainError as error:
            seen.append((error.code, error.params))
            seen.extend((i.code, i.params) for i in getattr(error, "issues", ()))
            continue
        seen.extend(emitted(outcome))
    return seen


def test_scenarios_emit_every_templated_code() -> None:
    assert ALL_TEMPLATES.keys() - {code for code, _ in run_all()} == set()


def test_emitted_params_match_template_placeholders_exactly() -> None:
    mismatches = [
        (code, sorted(params), sorted(explain.placeholders(ALL_TEMPLATES[code])))
        for code, params in run_all()
        if set(params) != explain.placeholders(ALL_TEMPLATES[code])
    ]
    assert mismatches == []


def test_a_strict_miss_says_which_rule_applied() -> None:
    step = attainment(KeyResultSpec.at_least(3, strict=True), "2.9").steps[0]
    assert explain.describe(step.code, step.params) == (
        "2.9 is not above 3 (strict): target not held, progress 0 (met or not met)."
    )


def test_every_emitted_code_renders_in_english() -> None:
    for code, params in run_all():
        assert explain.describe(code, params)
