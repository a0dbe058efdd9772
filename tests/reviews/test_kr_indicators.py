"""Scorecard indicators fed by the person's key results (issue 10): the format's checks, the
link from a key result (one per person, indicator and cycle; a points indicator takes a
per-unit or tiers key result with its max), a real review where two people's key results give
the exact points, the missing case, who may link, the simulator's input, and the queries."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from okr.calibration.results import finalize
from okr.cycles.services import create_cycle
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.models import KeyResult
from okr.objectives.services import add_key_result
from okr.review_templates.simulator import InputsInvalid, derivation, read_inputs, simulate
from okr.reviews.models import Appraisal
from okr.schemes.checks import TemplateInvalid, validate
from tests.factories import appraisal_of, draft_objective, opened_review, resume
from tests.helpers import field_error, text
from tests.reviews.kr_fed import (
    check_in,
    exposure,
    kr_fed_scheme,
    linked_krs,
    per_unit,
    store_kr_fed,
)

# Format -------------------------------------------------------------------------------------


def test_a_kr_fed_template_is_valid_and_exports_its_rules_unchanged():
    stored, spec = validate(kr_fed_scheme())
    rules = [i["rule"] for s in stored["sections"] for i in s["indicators"]]
    assert rules[:3] == [
        {"kind": "kr", "score": "points"},
        {"kind": "kr", "score": "points"},
        {"kind": "kr", "score": "attainment"},
    ]
    assert [i.kr_fed for s in spec.domain.sections for i in s.indicators] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("rule", "place", "words"),
    [
        ({"kind": "kr"}, "sections.0.indicators.0.rule.score", "“points” or “attainment”"),
        ({"kind": "kr", "score": "all"}, "sections.0.indicators.0.rule.score", "“score”"),
        (
            {"kind": "kr", "score": "points", "step": "1"},
            "sections.0.indicators.0.rule",
            "besides “score”",
        ),
        ({"kind": "points", "score": "points"}, "sections.0.indicators.0.rule.score", "“kr”"),
    ],
    ids=["no-score", "unknown-score", "own-fields", "score-on-another-kind"],
)
def test_a_broken_kr_rule_is_refused_at_its_place_in_both_languages(app, rule, place, words):
    data = kr_fed_scheme()
    data["sections"][0]["indicators"][0]["rule"] = rule
    for language in ("en", "zh"):
        with (
            app.test_request_context(),
            force_locale(language),
            pytest.raises(TemplateInvalid) as refused,
        ):
            validate(copy.deepcopy(data))
        found = dict(refused.value.problems)
        assert place in found, refused.value.problems
        if language == "en":
            assert words in found[place]
        else:
            assert "“kr”" in found[place] or "关键结果" in found[place], found[place]


def test_a_self_assessed_section_cannot_be_fed_by_key_results(app):
    data = kr_fed_scheme()
    data["sections"][0]["self_assessed"] = True
    with app.test_request_context(), pytest.raises(TemplateInvalid) as refused:
        validate(data)
    assert "sections.0.indicators.0.rule" in dict(refused.value.problems)


def test_the_simulator_takes_the_key_results_points_and_attainment(app):
    spec = validate(kr_fed_scheme())[1]
    values = {
        "satisfaction": {"survey": "3.5", "complaints": "2"},
        "brand": {"exposure": "60", "reputation": "280"},
    }
    breakdown = simulate(spec, read_inputs(spec, {"sections": values}))
    assert str(breakdown.result.composite) == "11.3"
    with app.test_request_context(), force_locale("en"):
        lines = derivation(spec, breakdown)
    assert "品牌曝光度: 0.6 × 5 = 3 points." in lines
    too_many = copy.deepcopy(values)
    too_many["satisfaction"]["survey"] = "11"  # more than the indicator's 10 points
    with pytest.raises(InputsInvalid) as refused:
        read_inputs(spec, {"sections": too_many})
    assert [p for p, _m in refused.value.problems] == ["sections.satisfaction.survey"]


def test_the_simulator_page_asks_for_what_the_key_result_gives(client, login, admin):
    login(admin)
    data = {"spec_json": json.dumps(kr_fed_scheme(), ensure_ascii=False), "raters": "3"}
    page = client.post("/reviews/templates/simulate", data=data | {"reload": "1"})
    assert 'name="sections-satisfaction-survey"' in text(page)
    assert "From the person&#39;s key result: its points, at most 10." in page.get_data(
        as_text=True
    ) or "From the person's key result: its points, at most 10." in text(page)
    fields = {
        "sections-satisfaction-survey": "3.5",
        "sections-satisfaction-complaints": "2",
        "sections-brand-exposure": "60",
        "sections-brand-reputation": "280",
    }
    response = client.post("/reviews/templates/simulate", data=data | fields)
    assert 'id="sim-composite">11.3<' in text(response)


# A real review -------------------------------------------------------------------------------


@pytest.fixture
def month(make_person, make_department, admin):
    """新媒体部 on the kr-fed template: 李伟 and 张敏 link their key results while planning."""
    team = make_department("新媒体部")
    manager = make_person("王静", department=team)
    staff = [make_person(n, department=team, manager=manager) for n in ("李伟", "张敏")]
    template = store_kr_fed()
    cycle = create_cycle("month", date(2026, 11, 2), make_current=True, template_id=template.id)
    db.session.commit()
    return {"team": team, "manager": manager, "staff": staff, "template": template, "cycle": cycle}


def _review(month):
    review = opened_review(month["cycle"], month["template"], [month["team"]], month["manager"])
    db.session.commit()
    return review


def _entered(login, month, appraisal, reputation="280"):
    data = {
        "step": "result",
        "goto": "result",
        "version": str(appraisal.version),
        "indicator-brand-reputation": reputation,
        "indicator-satisfaction-survey": "10",  # typed over a kr-fed value: never read
    }
    url = f"/reviews/appraisals/{appraisal.id}/interview"
    response = login(month["manager"]).post(url, data=data)
    assert response.status_code == 303, text(response)


def test_two_peoples_key_results_give_their_exact_points(month, login, admin):
    first, second = month["staff"]
    _o, one_krs = linked_krs(month["cycle"], first)
    _o, two_krs = linked_krs(month["cycle"], second)
    resume(month["cycle"], "running", admin)
    check_in(one_krs, first, ("7", "3", "600"))  # 3.5 + 2 = 5.5; 0.6 × 5 = 3
    check_in(two_krs, second, ("12", "2", "500"))  # 6 + 3 = 9; 0.5 × 5 = 2.5
    db.session.commit()
    review = _review(month)
    for person in month["staff"]:
        _entered(login, month, appraisal_of(review, person))
    db.session.expire_all()
    one, two = (appraisal_of(review, p) for p in month["staff"])
    assert str(one.composite) == "11.3"  # 5.5 + (3 + 2.8)
    assert str(two.composite) == "14.3"  # 9 + (2.5 + 2.8)
    assert "survey" not in (one.indicator_values.get("satisfaction") or {})
    page = login(month["manager"]).get(
        f"/reviews/appraisals/{one.id}", headers={"Accept-Language": "zh-CN"}
    )
    shown = text(page)
    assert "用户满意度调查" in shown and "用户满意度提升" in shown
    interview = login(month["manager"]).get(
        f"/reviews/appraisals/{one.id}/interview?step=result", headers={"Accept-Language": "en"}
    )
    body = text(interview)
    assert 'name="indicator-satisfaction-survey"' not in body  # read-only, no field
    assert "from key result «用户满意度提升», 7% → 3.5 points." in body
    chinese = login(month["manager"]).get(
        f"/reviews/appraisals/{one.id}/interview?step=result", headers={"Accept-Language": "zh-CN"}
    )
    assert "用户满意度调查：取自关键结果«用户满意度提升»，7% → 3.5 分。" in text(chinese)
    assert "品牌曝光度：取自关键结果«品牌曝光次数»，600次：达成率 60%。" in text(chinese)
    spec = validate(kr_fed_scheme())[1]
    finalize(db.session.get(Appraisal, one.id), spec)
    db.session.commit()
    frozen = db.session.get(Appraisal, one.id).result
    assert frozen["composite"] == "11.3"
    # the values it was scored from are kept with it: rewards for the highest value compare them
    kept = db.session.get(Appraisal, one.id).indicator_values
    assert kept["satisfaction"] == {"survey": "3.5", "complaints": "2"}
    assert kept["brand"]["exposure"] == "60"
    # a later value changes nothing once finalized: the derivation stays as it was frozen
    kr = db.session.scalar(select(KeyResult).where(KeyResult.title == "用户满意度提升"))
    kr.current = Decimal(20)
    db.session.commit()
    assert db.session.get(Appraisal, one.id).result == frozen


def test_without_a_linked_key_result_the_indicator_is_missing_never_0(month, login):
    first, second = month["staff"]
    linked_krs(month["cycle"], first)
    objective = draft_objective(month["cycle"], second, "新媒体运营")
    add_key_result(
        objective, per_unit("用户满意度提升", "0.5", indicator="satisfaction.survey"), second
    )
    db.session.commit()
    review = _review(month)
    for person in month["staff"]:
        _entered(login, month, appraisal_of(review, person))
    db.session.expire_all()
    lonely = appraisal_of(review, second)
    assert lonely.composite is None  # not linked: complaints and exposure are missing
    with_no_value = appraisal_of(review, first)
    assert with_no_value.composite is None
    lines = text(
        login(month["manager"]).get(
            f"/reviews/appraisals/{with_no_value.id}/interview?step=result",
            headers={"Accept-Language": "en"},
        )
    )
    assert "key result «品牌曝光次数» has no value yet" in lines
    page = login(month["manager"]).get(
        f"/reviews/appraisals/{lonely.id}/interview?step=result", headers={"Accept-Language": "en"}
    )
    assert "no key result of the person is linked to it" in text(page)


def test_a_second_key_result_for_the_same_indicator_is_refused_beside_the_field(month, login):
    person = month["staff"][0]
    objective, _krs = linked_krs(month["cycle"], person)
    db.session.commit()
    form = {
        "title": "满意度（第二个）",
        "kind": "per_unit",
        "weight": "10",
        "unit": "%",
        "start": "0",
        "step": "1",
        "points_per_step": "0.5",
        "direction": "up",
        "max_points": "10",
        "indicator": "satisfaction.survey",
    }
    client = login(person)
    page = client.get(f"/okrs/objectives/{objective.id}/key-results/new")
    assert 'value="satisfaction.survey"' in text(page)
    response = client.post(f"/okrs/objectives/{objective.id}/key-results/new", data=form)
    assert response.status_code == 422
    assert "already feeds this indicator" in field_error(response, "indicator")
    # a points indicator takes a per-unit key result with its own max points
    wrong_max = form | {"indicator": "satisfaction.complaints", "max_points": "8"}
    db.session.execute(
        KeyResult.__table__.update()
        .where(KeyResult.indicator == "satisfaction.complaints")
        .values(indicator=None)
    )
    db.session.commit()
    response = client.post(f"/okrs/objectives/{objective.id}/key-results/new", data=wrong_max)
    assert response.status_code == 422
    assert "at most 10" in field_error(response, "indicator")
    with pytest.raises(Invalid) as refused:
        add_key_result(objective, exposure("satisfaction.nothing"), person)
    assert "indicator" in refused.value.errors


def test_someone_else_cannot_link_a_key_result_of_another_person(month, login):
    first, second = month["staff"]
    _objective, krs = linked_krs(month["cycle"], first)
    db.session.commit()
    kr = krs[2]
    form = {
        "title": kr.title,
        "kind": "increase",
        "weight": "20",
        "unit": "次",
        "start": "0",
        "target": "1000",
        "indicator": "satisfaction.survey",
        "version": str(kr.version),
    }
    response = login(second).post(f"/okrs/key-results/{kr.id}/edit", data=form)
    assert response.status_code in (403, 404)
    assert login(second).get(f"/okrs/key-results/{kr.id}/edit").status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(KeyResult, kr.id).indicator == "brand.exposure"


def test_the_review_pages_read_the_links_in_constant_queries(
    month, login, make_person, make_department, count_queries
):
    big = make_department("新媒体二部")
    lead = make_person("周宁", department=big)
    crowd = [make_person(f"新人{i}", department=big, manager=lead) for i in range(6)]
    linked = [(p, linked_krs(month["cycle"], p)[1]) for p in (*month["staff"], *crowd)]
    resume(month["cycle"], "running", lead)
    for person, krs in linked:
        check_in(krs, person)
    db.session.commit()
    small = _review(month)
    large = opened_review(month["cycle"], month["template"], [big], lead, name="二部考核")
    db.session.commit()

    def counted(review, manager, person):
        client = login(manager)
        appraisal = appraisal_of(review, person)
        found = []
        for url in (
            f"/reviews/{review.id}",
            f"/reviews/appraisals/{appraisal.id}",
            f"/reviews/appraisals/{appraisal.id}/interview?step=result",
        ):
            with count_queries() as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, text(response))
            found.append(queries.count)
        return found

    assert counted(small, month["manager"], month["staff"][0]) == counted(large, lead, crowd[0])
