"""The review-template JSON format: every rule refused with its place, canonical form, docs examples."""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal

import pytest

from okr import ROOT
from okr.review_templates.simulator import read_inputs, simulate
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import TemplateInvalid, read_json, validate
from okr.schemes.format import dumps

DOCS = ROOT / "docs" / "review-templates.md"


def _template(**changes):
    data = copy.deepcopy(BUILT_IN["okr-default"])
    data.update(changes)
    return data


def _problems(data):
    with pytest.raises(TemplateInvalid) as refused:
        validate(data)
    return refused.value.problems


def _docs_example(name):
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- example: {name} -->\s*```json\n(.*?)```", text, re.S)
    assert match, f"docs example {name} not found"
    return match.group(1)


# Built-ins and the canonical form ----------------------------------------------------------


@pytest.mark.parametrize("family", sorted(BUILT_IN))
def test_every_built_in_template_passes_and_its_canonical_form_is_stable(family):
    spec, parsed = validate(copy.deepcopy(BUILT_IN[family]))
    assert validate(copy.deepcopy(spec))[0] == spec
    assert parsed.name == BUILT_IN[family]["name"]
    # weights add up to 100; a points template's max points add up to its scale (seed 003's 40)
    total = Decimal(spec["total_scale"]) if spec.get("composite") == "points" else 100
    assert sum(Decimal(w) for w in spec["parts"].values()) == total


@pytest.mark.parametrize("family", sorted(BUILT_IN))
def test_export_then_import_gives_the_same_template(family):
    spec = validate(copy.deepcopy(BUILT_IN[family]))[0]
    again = validate(read_json(dumps(spec)))[0]
    assert again == spec


def test_numbers_are_read_exactly_and_written_as_text_without_trailing_zeros():
    data = json.loads(
        json.dumps(_template(total_scale=100.0, parts={"kr": 60, "peer": 20.0, "interview": "20"}))
    )
    spec = validate(data)[0]
    assert spec["total_scale"] == "100"
    assert spec["parts"] == {"kr": "60", "peer": "20", "interview": "20"}
    assert spec["min_peer_raters"] == 2


def test_the_seed_000_five_category_scheme_is_40_20_15_15_10():
    spec = validate(copy.deepcopy(BUILT_IN["marketing-specialist"]))[0]
    weights = [(c["label"], c["weight"]) for c in spec["criteria"]["interview"]]
    assert weights == [
        ("销售业绩", "40"),
        ("市场推广", "20"),
        ("广告投放", "15"),
        ("网络推广", "15"),
        ("客户维护", "10"),
    ]
    assert [b["label"] for b in spec["bands"]] == ["优秀", "良好", "合格", "不合格"]


def test_the_120_point_scheme_has_bands_108_95_80_and_names_the_gap():
    spec = validate(copy.deepcopy(BUILT_IN["marketing-dept-120"]))[0]
    assert spec["total_scale"] == "120"
    assert [(b["label"], b["min"]) for b in spec["bands"]] == [
        ("优秀", "108"),
        ("合格", "95"),
        ("需努力", "80"),
        ("需鼓励", "0"),
    ]


# Refusals, each with its place -------------------------------------------------------------


def test_part_weights_that_do_not_sum_to_100_are_refused_with_the_sum():
    problems = _problems(_template(parts={"kr": "60", "peer": "30", "interview": "20"}))
    assert problems == [("parts", "The part weights add up to 110%, not 100%.")]


def test_seed_004_weights_summing_to_110_are_refused_not_normalised():
    data = copy.deepcopy(BUILT_IN["community-ops"])
    data["criteria"]["interview"].append(
        {"key": "cost", "label": "运营成本", "weight": "10", "scale": ["0", "100"]}
    )
    assert _problems(data) == [
        (
            "criteria.interview",
            "The criteria weights of one-on-one interview add up to 110%, not 100%.",
        )
    ]


def test_bands_starting_at_the_same_threshold_overlap_and_are_refused():
    bands = [
        {"label": "优秀", "min": "90"},
        {"label": "良好", "min": "90"},
        {"label": "不合格", "min": "0"},
    ]
    problems = _problems(_template(bands=bands, quotas={}, improvement_plan_grades=[]))
    assert problems == [("bands.1.min", "良好 and 优秀 both start at 90: the bands overlap.")]


def test_duplicate_grade_labels_and_a_band_not_covering_zero_are_refused():
    bands = [{"label": "优秀", "min": "90"}, {"label": "优秀", "min": "60"}]
    problems = _problems(_template(bands=bands, improvement_plan_grades=[]))
    assert ("bands.1.label", "Two grade bands are called “优秀”.") in problems
    assert (
        "bands",
        "The lowest band 优秀 starts at 60; it must include 0 so every score gets a grade.",
    ) in problems


def test_a_quota_for_a_grade_that_does_not_exist_is_refused():
    problems = _problems(_template(quotas={"卓越": "0.1", "优秀": "1.5"}))
    assert problems == [
        ("quotas.卓越", "There is a quota for “卓越”, which is not a grade band."),
        ("quotas.优秀", "The quota of 优秀 must be between 0 and 1 (0.2 is 20%)."),
    ]


def test_every_problem_is_reported_at_once():
    data = _template(
        name=" ",
        extra="?",
        parts={"kr": "50", "peer": "-5", "boss": "10"},
        improvement_plan_grades=["很差"],
    )
    data["adjustments"] = {"kinds": [{"key": "typo", "points": "0"}], "bonus_cap": "-1"}
    places = [place for place, _message in _problems(data)]
    assert places == [
        "_",
        "name",
        "parts.peer",
        "parts",
        "adjustments.kinds.0.points",
        "adjustments.bonus_cap",
        "improvement_plan_grades",
    ]


@pytest.mark.parametrize(
    ("change", "place", "message"),
    [
        ({"format": "other/2"}, "format", "Unknown format “other/2”"),
        ({"total_scale": "0"}, "total_scale", "above 0"),
        ({"attainment_cap": "0.9"}, "attainment_cap", "at least 1 (100%)"),
        ({"min_peer_raters": "1.5"}, "min_peer_raters", "whole number"),
        ({"parts": {"kr": "x", "peer": "20", "interview": "20"}}, "parts.kr", "not “x”"),
        ({"criteria": {"kr": [{"key": "a", "weight": "100"}]}}, "criteria.kr", "no criteria"),
        ({"criteria": {"interview": []}}, "criteria.peer", "no criteria to rate"),
        ({"criteria": {"peer": ["cooperation"]}}, "criteria.peer.0", "JSON object"),
        (
            {"criteria": {"peer": [{"key": "a", "weight": "100", "scale": ["5", "1"]}]}},
            "criteria.peer.0",
            "must run upward",
        ),
        ({"bands": "优秀"}, "bands", "must be a JSON list"),
        ({"bands": [{"label": "全部", "min": None}]}, "bands.0.min", "is missing"),
    ],
)
def test_each_rule_is_reported_where_it_applies(change, place, message):
    problems = _problems(_template(**change))
    assert any(p == place and message in m for p, m in problems), problems


@pytest.mark.parametrize(
    "text", ["", "not json", "[1, 2]", '{"name": "x", "parts": {"kr": 1e400}}']
)
def test_broken_files_are_refused_with_a_message_not_an_error(text):
    with pytest.raises(TemplateInvalid) as refused:
        validate(read_json(text))
    assert refused.value.problems


def test_an_oversized_file_is_refused():
    with pytest.raises(TemplateInvalid):
        read_json("{" + " " * 300_000 + "}")


# The documentation's examples are real ---------------------------------------------------


def test_the_documented_template_example_is_the_default_template_as_exported():
    exported = dumps(validate(copy.deepcopy(BUILT_IN["okr-default"]))[0])
    assert json.loads(_docs_example("template")) == json.loads(exported)


def test_the_documented_simulator_example_gives_the_documented_result():
    text = DOCS.read_text(encoding="utf-8")
    expected = re.search(r"<!-- example: result composite=(\S+) grade=(\S+) plan=(\w+) -->", text)
    spec = validate(read_json(_docs_example("template")))[1]
    inputs = read_inputs(spec, json.loads(_docs_example("inputs"), parse_float=Decimal))
    result = simulate(spec, inputs).result
    assert result.composite == Decimal(expected.group(1))
    assert result.grade == expected.group(2)
    assert result.needs_improvement_plan is (expected.group(3) == "yes")


@pytest.mark.parametrize(
    ("rule", "place"),
    [
        ({"key": "a", "when": {"soon": "1"}, "money": "1"}, "outcomes.0.when"),
        ({"key": "a", "when": {"above": "x"}, "money": "1"}, "outcomes.0.when.above"),
        ({"key": "a", "when": {"rank": 1, "in": "world"}, "money": "1"}, "outcomes.0.when.in"),
        ({"key": "a", "when": {"rank": 1}, "money": "1", "points": "2"}, "outcomes.0"),
        ({"key": "a", "when": {"grade": ["传奇"]}, "money": "1"}, "_"),
    ],
    ids=["unknown-condition", "bound-not-a-number", "unknown-scope", "two-gifts", "unknown-grade"],
)
def test_a_broken_outcome_rule_is_refused_at_its_place(rule, place):
    data = copy.deepcopy(BUILT_IN["okr-default"]) | {"outcomes": [rule]}
    with pytest.raises(TemplateInvalid) as refused:
        validate(data)
    assert place in [p for p, _m in refused.value.problems], refused.value.problems


AWARD = {"key": "monthly_award", "when": {"rank": 3}, "points": "4"}
ABSENT = {
    "key": "no_award",
    "label": "6个月未获月度奖",
    "cycles": 6,
    "absent": True,
    "outcome": "monthly_award",
    "consequence": "points",
    "points": "-1",
}


def test_an_absent_streak_is_stored_and_read_back():
    data, spec = validate(_template(outcomes=[AWARD], streaks=[ABSENT]))
    assert data["streaks"][0]["absent"] is True and "when" not in data["streaks"][0]
    rule = spec.domain.streaks[0]
    assert (rule.absent, rule.outcome, rule.points, rule.cycles) == (
        True,
        "monthly_award",
        Decimal(-1),
        6,
    )
    assert validate(data)[0] == data  # canonical form is stable


@pytest.mark.parametrize(
    ("changes", "place"),
    [
        ({"outcome": "nope"}, "streaks.0.outcome"),
        ({"outcome": ""}, "streaks.0.outcome"),
        ({"when": {"rank": 3}}, "streaks.0.when"),
        ({"absent": "yes"}, "streaks.0.absent"),
    ],
    ids=["unknown-outcome", "no-outcome", "with-a-condition", "absent-not-a-boolean"],
)
def test_a_broken_absent_streak_is_refused_at_its_place(changes, place):
    problems = _problems(_template(outcomes=[AWARD], streaks=[ABSENT | changes]))
    assert place in [p for p, _m in problems], problems
