"""The scheme simulator: seed schemes on sample numbers, refused inputs, the page and the CLI.

Nothing here may write to the database: the page is checked row by row and query by query.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from okr.explain import describe
from okr.extensions import db
from okr.review_templates.services import load_builtin_templates
from okr.review_templates.simulator import InputsInvalid, derivation, read_inputs, simulate
from okr.reviews.models import ReviewTemplate
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import validate
from tests.helpers import field_error, snapshot, text

HX = {"HX-Request": "true"}


def _spec(family):
    return validate(copy.deepcopy(BUILT_IN[family]))[1]


def _run(family, **inputs):
    spec = _spec(family)
    return simulate(spec, read_inputs(spec, inputs))


def _with_adjustments(family, **adjustments):
    """HR's copy of a built-in scheme with its own bonuses and deductions (and caps)."""
    data = copy.deepcopy(BUILT_IN[family])
    data["adjustments"] = adjustments
    return validate(data)[1]


def _stars(value, keys=("results", "skills", "attitude")):
    return dict.fromkeys(keys, value)


# Seed schemes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "composite", "grade", "plan"),
    [
        # 0.9 × 40 + 0.8 × 20 + 0.7 × 15 + 0.6 × 15 + 0.5 × 10 = 76.5
        ((90, 80, 70, 60, 50), "76.5", "合格", True),
        # 40 + 19 + 13.5 + 12.75 + 8 = 93.25
        ((100, 95, 90, 85, 80), "93.25", "优秀", False),
        ((50, 50, 50, 50, 50), "50", "不合格", True),
    ],
)
def test_seed_000_five_categories_weigh_40_20_15_15_10(ratings, composite, grade, plan):
    keys = ("sales", "promotion", "ads", "online", "care")
    result = _run("marketing-specialist", interview=dict(zip(keys, ratings, strict=True))).result
    assert (result.composite, result.grade, result.needs_improvement_plan) == (
        Decimal(composite),
        grade,
        plan,
    )


@pytest.mark.parametrize(
    ("ratings", "grade", "line"),
    [
        # 100 × 40% + 100 × 20% + 100 × 15% + 100 × 15% + 0 = 90, but not outstanding on all
        (
            (100, 100, 100, 100, 0),
            "良好",
            "优秀 also asks for all of the 5 criteria of the one-on-one interview at 80 or more:"
            " only 4 are (short: 客户维护), so not 优秀.",
        ),
        ((100, 100, 100, 100, 80), "优秀", None),
        # 96 × 40% + 100 × 20% + 90 × 15% + 40 × 15% + 40 × 10% = 81.9: 3 of 5 at 80 or more
        ((96, 100, 90, 40, 40), "良好", None),
        # 90 + 90 + 50 + 50 + 50 → 36 + 18 + 7.5 + 7.5 + 5 = 74: 2 of 5 at 60 or more
        ((90, 90, 50, 50, 50), "不合格", None),
    ],
)
def test_seed_000_grades_on_every_indicator_not_only_the_total(ratings, grade, line):
    keys = ("sales", "promotion", "ads", "online", "care")
    spec = _spec("marketing-specialist")
    breakdown = _run("marketing-specialist", interview=dict(zip(keys, ratings, strict=True)))
    assert breakdown.result.grade == grade
    if line:
        assert line in derivation(spec, breakdown)


@pytest.mark.parametrize(
    ("kr", "stars", "adjustments", "composite", "grade"),
    [
        # KR 100% × 70% × 120 = 84; four stars 0.75 × 30% × 120 = 27; 111 − 3 = 108
        ("100", 4, {"duplicate_post": 3}, "108", "优秀"),
        ("100", 4, {"duplicate_post": 3, "typo": 1}, "107.5", "合格"),
        # 84 + three stars 18 = 102; − 7 = 95
        ("100", 3, {"duplicate_post": 7}, "95", "合格"),
        ("100", 3, {"duplicate_post": 7, "typo": 1}, "94.5", "需努力"),
        # 75% → 63; + 18 = 81; − 1 = 80 (the unnamed 80–95 band)
        ("75", 3, {"duplicate_post": 1}, "80", "需努力"),
        ("75", 3, {"duplicate_post": 1, "typo": 1}, "79.5", "需鼓励"),
    ],
)
def test_the_120_point_scheme_band_edges_108_95_80(kr, stars, adjustments, composite, grade):
    kinds = [
        {"key": "duplicate_post", "label": "重稿", "points": "-1"},
        {"key": "typo", "label": "错别字", "points": "-0.5"},
    ]
    spec = _with_adjustments("marketing-dept-120", kinds=kinds)
    inputs = {"kr_percent": kr, "interview": _stars(stars), "adjustments": adjustments}
    result = simulate(spec, read_inputs(spec, inputs)).result
    assert (result.composite, result.grade) == (Decimal(composite), grade)
    assert result.needs_improvement_plan is (grade in ("需努力", "需鼓励"))


def test_the_community_scheme_grades_yiban_and_asks_for_a_plan():
    breakdown = _run(
        "community-ops",
        # rater 1: (0.75 × 40 + 0.5 × 30 + 0.75 × 30) ÷ 100 = 0.675; rater 2: 0.5
        peer=[
            {"cooperation": "4", "innovation": "3", "execution": "4"},
            {"cooperation": "3", "innovation": "3", "execution": "3"},
        ],
        # 0.7 × 40 + 0.6 × 30 + 0.8 × 20 + 0.5 × 10 = 67
        interview={"fans": "70", "content": "60", "interaction": "80", "sales": "50"},
    )
    result = breakdown.result
    assert breakdown.parts["peer"].fraction == Decimal("0.5875")
    assert result.part_points == {"peer": Decimal("17.625"), "interview": Decimal("46.9")}
    assert (result.composite, result.grade, result.needs_improvement_plan) == (
        Decimal("64.525"),
        "一般",
        True,
    )


def test_too_few_peer_raters_leave_the_part_missing_not_zero():
    breakdown = _run(
        "community-ops",
        peer=[{"cooperation": "5", "innovation": "5", "execution": "5"}, {}],
        interview={"fans": "100", "content": "100", "interaction": "100", "sales": "100"},
    )
    assert breakdown.result.composite is None and breakdown.result.grade is None
    assert breakdown.parts["peer"].fraction is None
    assert "Only 1 rater(s) counted, at least 2 needed." in derivation(
        _spec("community-ops"), breakdown
    )


def test_the_simulator_scores_like_a_real_appraisal():
    # the numbers of test_scoring_flow: KR 0.5, peers (4, 3, 5) and (5, 5, 5), interview (4, 4, 3), one typo
    breakdown = _run(
        "okr-default",
        kr_percent="50%",
        peer=[
            {"cooperation": 4, "innovation": 3, "execution": 5},
            {"cooperation": 5, "innovation": 5, "execution": 5},
        ],
        interview={"results": 4, "skills": 4, "attitude": 3},
        adjustments={"typo": 1},
    )
    assert (breakdown.result.weighted_sum, breakdown.result.composite) == (
        Decimal("61"),
        Decimal("60.5"),
    )
    assert breakdown.result.grade == "合格"


def test_bonus_and_deduction_caps_apply_and_are_explained():
    kinds = copy.deepcopy(BUILT_IN["okr-default"]["adjustments"]["kinds"])
    spec = _with_adjustments("okr-default", kinds=kinds, bonus_cap="10", deduction_cap="10")
    breakdown = simulate(
        spec,
        read_inputs(
            spec,
            {
                "kr_percent": "80",
                "peer": [_stars(3, ("cooperation", "innovation", "execution"))] * 2,
                "interview": _stars(3),
                "adjustments": {"post_100k": 6, "typo": 25},
            },
        ),
    )
    adjusted = breakdown.result.adjustments
    assert (adjusted.bonus_raw, adjusted.bonus) == (Decimal(12), Decimal(10))
    assert (adjusted.deduction_raw, adjusted.deduction) == (Decimal("12.5"), Decimal(10))
    lines = derivation(spec, breakdown)
    assert "Bonus 12 capped at 10." in lines and "Deduction 12.5 capped at 10." in lines
    assert "错别字: 25 × -0.5 = -12.5" in lines  # labels, not keys
    assert lines[-1] == "68 rounded half up to 2 decimals = 68"  # 48 + 10 + 10 + 10 − 10


def test_an_empty_rater_row_is_ignored_and_an_incomplete_one_left_out_and_said():
    breakdown = _run(
        "okr-default",
        kr_percent="100",
        peer=[
            {},
            {"cooperation": 5, "innovation": None},
            {"cooperation": 5, "innovation": 5, "execution": 5},
            {"cooperation": 1, "innovation": 1, "execution": 1},
        ],
        interview=_stars(5),
    )
    assert breakdown.parts["peer"].fraction == Decimal("0.5")
    lines = derivation(_spec("okr-default"), breakdown)
    assert "Rater 2 left out: ratings missing for 创新能力 and 执行能力." in lines


def test_inputs_are_refused_with_every_problem_and_its_place():
    spec = _spec("okr-default")
    with pytest.raises(InputsInvalid) as refused:
        read_inputs(
            spec,
            {
                "kr_percent": "130",
                "peer": [{"cooperation": "6", "charm": "5"}],
                "interview": {"results": "four"},
                "adjustments": {"typo": "-1", "gift": 1},
                "bonus": 3,
            },
        )
    places = [place for place, _message in refused.value.problems]
    assert places == [
        "_",
        "kr_percent",
        "peer.0.cooperation",
        "peer.0.charm",
        "interview.results",
        "adjustments.typo",
        "adjustments.gift",
    ]
    messages = dict(refused.value.problems)
    assert messages["peer.0.cooperation"] == "Rating 6 for 合作能力 is outside the scale 1–5."
    assert "between 0% and 100%" in messages["kr_percent"]


def test_ratings_for_a_part_without_criteria_are_refused():
    spec = _spec("marketing-dept-120")
    with pytest.raises(InputsInvalid) as refused:
        read_inputs(spec, {"peer": [{"cooperation": 5}]})
    assert refused.value.problems[0][0] == "peer"


# The page ---------------------------------------------------------------------------------


@pytest.fixture
def templates(app):
    load_builtin_templates()
    db.session.commit()
    return {t.family: t for t in db.session.scalars(select(ReviewTemplate))}


def _form(template, **fields):
    return {"template": str(template.id), "raters": "2", **fields}


def _default_inputs(template):
    return _form(
        template,
        kr_percent="85",
        **{"peer-0-cooperation": "4", "peer-0-innovation": "4", "peer-0-execution": "3"},
        **{"peer-1-cooperation": "5", "peer-1-innovation": "4", "peer-1-execution": "4"},
        **{"interview-results": "4", "interview-skills": "4", "interview-attitude": "4"},
        **{"adjustments-typo": "1", "adjustments-post_100k": "1"},
    )


def test_the_page_shows_the_inputs_the_chosen_template_asks_for(client, login, admin, templates):
    login(admin)
    page = client.get(
        "/reviews/templates/simulate", query_string={"template": templates["marketing-dept-120"].id}
    )
    assert page.status_code == 200
    body = text(page)
    assert 'name="kr_percent"' in body and 'name="interview-results"' in body
    assert 'name="peer-0-cooperation"' not in body  # peer weighs 0 in this scheme
    assert 'name="adjustments-' not in body and 'name="free_adjustments-' not in body
    assert "优秀 ≥ 108, 合格 ≥ 95, 需努力 ≥ 80, 需鼓励 ≥ 0" in body
    page = client.get(
        "/reviews/templates/simulate", query_string={"template": templates["okr-default"].id}
    )
    body = text(page)
    assert 'name="adjustments-typo"' in body and "-0.5 points each" in body
    assert 'name="adjustments-major_error"' in body and "-5 to -1 points each" in body
    assert 'name="free_adjustments-0-reason"' in body and 'name="free_adjustments-2-points"' in body


def test_computing_returns_the_result_fragment_and_writes_nothing(
    client, login, admin, templates, count_queries
):
    login(admin)
    data = _default_inputs(templates["okr-default"])
    before = snapshot()
    with count_queries() as queries:
        response = client.post("/reviews/templates/simulate", data=data, headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section id="simulation-result"')
    assert "HX-Request" in response.headers["Vary"]
    assert re.search(r'id="sim-composite">82.75<', body) and 'id="sim-grade">良好<' in body
    assert "51 + 15.25 + 15 = 81.25" in body
    assert "points are shown rounded half up to 2 decimals" in body
    # the signed-in person and the template: nothing else is read, nothing written
    assert queries.count == 2
    assert all(q.lstrip().upper().startswith("SELECT") for q in queries.statements)
    assert snapshot() == before


def test_a_pasted_template_needs_no_database_beyond_the_sign_in(
    client, login, admin, count_queries
):
    login(admin)
    spec = json.dumps(BUILT_IN["marketing-dept-120"], ensure_ascii=False)
    data = {"spec_json": spec, "kr_percent": "100"} | {
        f"interview-{k}": "4" for k in ("results", "skills", "attitude")
    }
    with count_queries() as queries:
        response = client.post("/reviews/templates/simulate", data=data, headers=HX)
    assert response.status_code == 200
    assert 'id="sim-composite">111<' in text(response)
    assert queries.count == 1


def test_without_htmx_the_whole_page_comes_back_with_the_inputs_kept(
    client, login, admin, templates
):
    login(admin)
    response = client.post(
        "/reviews/templates/simulate", data=_default_inputs(templates["okr-default"])
    )
    body = text(response)
    assert response.status_code == 200 and "<html" in body
    assert 'id="sim-composite">82.75<' in body and 'value="85"' in body


def test_bad_inputs_come_back_422_beside_their_fields_in_place_of_the_result(
    client, login, admin, templates
):
    login(admin)
    data = _default_inputs(templates["okr-default"]) | {
        "kr_percent": "abc",
        "peer-1-innovation": "9",
    }
    response = client.post("/reviews/templates/simulate", data=data, headers=HX)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#simulator"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert "<html" not in text(response) and 'id="simulator"' in text(response)
    assert field_error(response, "kr_percent") == "“abc” is not a number."
    assert (
        field_error(response, "peer-1-innovation")
        == "Rating 9 for 创新能力 is outside the scale 1–5."
    )
    assert 'value="4"' in text(response)  # nothing typed is lost


def test_a_ranged_kind_and_free_form_points_on_the_page(client, login, admin, templates):
    login(admin)
    data = _default_inputs(templates["okr-default"]) | {
        "adjustments-major_error": "-2 -5",
        "free_adjustments-0-reason": "客户书面表扬",
        "free_adjustments-0-points": "3",
    }
    response = client.post("/reviews/templates/simulate", data=data, headers=HX)
    assert response.status_code == 200
    # 82.75 from the documented inputs, then −2 − 5 for two major errors, +3 free-form
    assert 'id="sim-composite">78.75<' in text(response)
    assert "重大差错 (-5 to -1): 1 × -5 = -5" in text(response)
    assert "客户书面表扬: 3 (free-form, the template allows it)" in text(response)
    data |= {"adjustments-major_error": "-2 -6", "free_adjustments-1-points": "2"}
    response = client.post("/reviews/templates/simulate", data=data, headers=HX)
    assert response.status_code == 422
    assert field_error(response, "adjustments-major_error") == (
        "重大差错 gives between -5 and -1 points each, not -6."
    )
    assert field_error(response, "free_adjustments-1-reason") == "Say why."
    assert 'value="-2 -6"' in text(response)  # nothing typed is lost


def test_free_form_points_are_refused_where_the_template_has_only_its_kinds():
    spec = _spec("marketing-dept-120")
    with pytest.raises(InputsInvalid) as refused:
        read_inputs(spec, {"free_adjustments": [{"reason": "表现好", "points": "3"}]})
    assert refused.value.problems == [
        (
            "free_adjustments",
            "This template allows only its own bonuses and deductions, not free-form ones.",
        )
    ]
    spec = _spec("okr-default")
    inputs = read_inputs(spec, {"adjustments": {"major_error": ["-1", "-4"]}})
    assert [(a.kind, a.points) for a in inputs.adjustments] == [
        ("major_error", Decimal(-1)),
        ("major_error", Decimal(-4)),
    ]


def test_a_broken_pasted_template_is_reported_beside_the_text_box(client, login, admin):
    login(admin)
    broken = json.dumps({"name": "x", "parts": {"kr": "90"}, "bands": []})
    response = client.post("/reviews/templates/simulate", data={"spec_json": broken}, headers=HX)
    assert response.status_code == 422
    assert "The part weights add up to 90%, not 100%." in text(response)
    assert 'aria-describedby="spec_json-error"' in text(response)


def test_adding_a_rater_redraws_the_inputs_without_computing(client, login, admin, templates):
    login(admin)
    data = _default_inputs(templates["okr-default"]) | {"add_rater": "1"}
    response = client.post("/reviews/templates/simulate", data=data, headers=HX)
    body = text(response)
    assert response.status_code == 200 and 'id="simulator"' in body
    assert 'id="rater-2"' in body and 'id="rater-3"' not in body
    assert 'id="sim-composite"' not in body
    assert 'name="peer-1-cooperation" value="5"' in body


def test_employees_cannot_use_the_simulator_but_managers_can(client, login, make_person, templates):
    boss = make_person("主管")
    employee = make_person("员工", manager=boss)
    login(employee)
    assert client.get("/reviews/templates/simulate").status_code == 403
    data = _default_inputs(templates["okr-default"])
    assert client.post("/reviews/templates/simulate", data=data).status_code == 403
    login(boss)
    assert client.post("/reviews/templates/simulate", data=data, headers=HX).status_code == 200
    del employee


# The command line --------------------------------------------------------------------------


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_cli_simulate_prints_the_breakdown_and_every_derivation_line(runner, tmp_path):
    before = snapshot()
    template = _write(tmp_path, "t.json", BUILT_IN["marketing-dept-120"])
    inputs = _write(
        tmp_path,
        "in.json",
        {"kr_percent": "75", "interview": _stars(3)},
    )
    result = runner.invoke(args=["review", "simulate", template, inputs, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Composite: 81" in result.output and "Grade: 需努力" in result.output
    assert "Improvement plan: Needed" in result.output
    assert "6. key-result attainment: 0.75 × 70% × 120 = 63" in result.output
    assert "81 ≥ 80: grade 需努力" in result.output
    assert "rounded half up to 2 decimals" in result.output
    assert snapshot() == before


def test_cli_simulate_takes_a_built_in_family_and_prints_json(runner, tmp_path):
    inputs = _write(tmp_path, "in.json", {"kr_percent": "90"})
    result = runner.invoke(args=["review", "simulate", "okr-default", inputs, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    kr = data["parts"]["kr"]
    assert (kr["weight"], kr["fraction"], Decimal(kr["points"])) == ("60", "0.9", Decimal(54))
    assert data["complete"] is False and data["composite"] is None  # peer and interview missing


def test_cli_simulate_lists_the_problems_and_fails(runner, tmp_path):
    bad_template = copy.deepcopy(BUILT_IN["community-ops"])
    bad_template["parts"]["peer"] = "40"
    template = _write(tmp_path, "t.json", bad_template)
    inputs = _write(tmp_path, "in.json", {})
    result = runner.invoke(args=["review", "simulate", template, inputs, "--lang", "en"])
    assert result.exit_code == 1
    assert "parts: The part weights add up to 110%, not 100%." in result.output
    good = _write(tmp_path, "good.json", BUILT_IN["okr-default"])
    inputs = _write(tmp_path, "in.json", {"kr_percent": "x", "interview": {"mood": 3}})
    result = runner.invoke(args=["review", "simulate", good, inputs, "--lang", "en"])
    assert result.exit_code == 1
    assert "kr_percent: “x” is not a number." in result.output
    assert "interview.mood:" in result.output


def test_cli_load_templates_is_idempotent(runner):
    first = runner.invoke(args=["review", "load-templates"])
    assert first.exit_code == 0 and f"({len(BUILT_IN)} created or updated)" in first.output
    second = runner.invoke(args=["review", "load-templates"])
    assert "(0 created or updated)" in second.output
    db.session.expire_all()
    assert len(db.session.scalars(select(ReviewTemplate)).all()) == len(BUILT_IN)


@pytest.mark.parametrize(
    ("kr", "stars", "expected"),
    [
        # 84 + 27 = 111 > 108: 奖励 50–200 元
        ("100", 4, ["超过108分奖励: a score of 111, so 50…200 yuan."]),
        # 75% → 63 + 0 = 63 < 65: 惩处 50–200 元
        ("75", 1, ["低于65分惩处: a score of 63, so -200…-50 yuan."]),
        # 75.6 + (0.3 + 0.3 + 0.3) × 36 = 108 exactly, which is not "超过108分"
        ("90", {"results": 4, "skills": 5, "attitude": 5}, []),
    ],
)
def test_the_120_point_scheme_rewards_above_108_and_fines_below_65(app, kr, stars, expected):
    spec = _spec("marketing-dept-120")
    interview = stars if isinstance(stars, dict) else _stars(stars)
    breakdown = simulate(spec, read_inputs(spec, {"kr_percent": kr, "interview": interview}))
    assert breakdown.result.composite == (
        Decimal(108) if not expected else breakdown.result.composite
    )
    with app.test_request_context(), force_locale("en"):
        lines = [describe(o.step.code, o.step.params, spec.glossary()) for o in breakdown.outcomes]
    assert lines == expected


def test_rank_rules_wait_for_the_rank_and_then_apply():
    data = copy.deepcopy(BUILT_IN["marketing-dept-120"])
    data["outcomes"].append(
        {"key": "first", "label": "排名第一奖励", "when": {"rank": 1}, "money": "100"}
    )
    spec = validate(data)[1]
    unranked = simulate(spec, read_inputs(spec, {"kr_percent": "80", "interview": _stars(3)}))
    assert [(o.rule.key, o.pending) for o in unranked.outcomes] == [("first", True)]
    first = simulate(
        spec,
        read_inputs(spec, {"kr_percent": "80", "interview": _stars(3), "ranks": {"department": 1}}),
    )
    assert [(o.rule.key, o.pending) for o in first.outcomes] == [("first", False)]
    with pytest.raises(InputsInvalid) as refused:
        read_inputs(spec, {"ranks": {"department": "0"}})
    assert refused.value.problems[0][0] == "ranks.department"
