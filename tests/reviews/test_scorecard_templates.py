"""Scorecard templates (考核表) in the format, the simulator page and the CLI: seed 003's
用户满意度 (20 分) and 品牌形象 (10 分) tables summed exactly."""

from __future__ import annotations

import copy
import json

import pytest
from flask_babel import force_locale

from okr.review_templates.simulator import InputsInvalid, derivation, read_inputs, simulate
from okr.schemes.checks import TemplateInvalid, read_json, validate
from okr.schemes.format import dumps
from tests.helpers import field_error, text
from tests.reviews.scorecards import SEED_003, VALUES


def test_the_scorecard_sums_exactly_and_explains_every_indicator(app):
    spec = validate(copy.deepcopy(SEED_003))[1]
    breakdown = simulate(spec, read_inputs(spec, {"sections": VALUES}))
    assert str(breakdown.result.composite) == "11.3"
    with app.test_request_context(), force_locale("en"):
        lines = derivation(spec, breakdown)
    assert "User satisfaction: 3.5 + 2 = 5.5 of 20 points." in lines
    assert "Brand image: 3 + 2.8 = 5.8 of 10 points." in lines
    assert "Brand image: 5.8 of 10 points." in lines
    assert breakdown.result.grade == "未达标"


def test_a_scorecard_template_exports_and_imports_unchanged():
    stored, _spec = validate(copy.deepcopy(SEED_003))
    assert stored["composite"] == "points"
    again, _ = validate(read_json(dumps(stored)))
    assert again == stored


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (
            lambda d: d["sections"][0]["indicators"][0].update(max="x"),
            "sections.0.indicators.0.max",
        ),
        (
            lambda d: d["sections"][1]["indicators"][1].update(rule={"kind": "magic"}),
            "sections.1.indicators.1.rule",
        ),
        (lambda d: d["sections"][0].update(key="brand"), "sections.1.key"),
        (lambda d: d.update(composite="sum"), "composite"),
    ],
    ids=["max-not-a-number", "unknown-rule", "section-twice", "unknown-composite"],
)
def test_a_broken_scorecard_is_refused_at_its_place(change, place):
    data = copy.deepcopy(SEED_003)
    change(data)
    with pytest.raises(TemplateInvalid) as refused:
        validate(data)
    assert place in [p for p, _m in refused.value.problems]


def test_section_points_that_are_not_the_sum_of_their_indicators_are_refused():
    data = copy.deepcopy(SEED_003) | {"parts": {"satisfaction": "25", "brand": "5"}}
    with pytest.raises(TemplateInvalid) as refused:
        validate(data)
    assert "is given 25 points but its indicators add up to 20" in str(refused.value.problems)


def test_values_outside_an_indicator_are_refused_with_their_place():
    spec = validate(copy.deepcopy(SEED_003))[1]
    with pytest.raises(InputsInvalid) as refused:
        read_inputs(spec, {"sections": {"satisfaction": {"survey": "abc"}, "other": {}}})
    places = [p for p, _m in refused.value.problems]
    assert places == ["sections.satisfaction.survey", "sections"]


def test_the_simulator_page_takes_the_indicators_values(client, login, admin):
    login(admin)
    data = {"spec_json": json.dumps(SEED_003, ensure_ascii=False), "raters": "3"}
    page = client.post("/reviews/templates/simulate", data=data | {"reload": "1"})
    assert 'name="sections-satisfaction-survey"' in text(page)
    assert "at most 10 points" in text(page)
    fields = {f"sections-{s}-{i}": v for s, row in VALUES.items() for i, v in row.items()}
    response = client.post("/reviews/templates/simulate", data=data | fields)
    assert response.status_code == 200
    assert 'id="sim-composite">11.3<' in text(response)
    response = client.post(
        "/reviews/templates/simulate", data=data | fields | {"sections-brand-exposure": "x"}
    )
    assert response.status_code == 422
    assert field_error(response, "sections-brand-exposure") == "“x” is not a number."


def test_cli_simulate_takes_indicator_values(runner, tmp_path):
    template = tmp_path / "t.json"
    template.write_text(json.dumps(SEED_003, ensure_ascii=False), encoding="utf-8")
    inputs = tmp_path / "in.json"
    inputs.write_text(json.dumps({"sections": VALUES}), encoding="utf-8")
    result = runner.invoke(args=["review", "simulate", str(template), str(inputs), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "用户满意度：3.5 + 2 = 5.5（满分 20 分）。" in result.output
    assert "合计 = 11.3" in result.output or "= 11.3" in result.output
