"""Seed 002's 月度目标管理考核办法, the built-in `monthly-objectives-100`, from the seed's own table:
计划得分 / 自考核完成情况 / 考核人考核完成情况 per goal, "月(年)度合计 100" (制作4个主题视频 30, 网站内容编辑
200篇 30, 网站推广 25, 人员招募 5, 临时交办任务记录 10), the person's own points beside the reviewer's,
which count; the five-step interview ("步骤二：下属自我评估；步骤三：告知下属评估结果").

Interpretations (docs/review-templates.md): the first row's lost 30; the default 90/80/60 bands
(the seed names no grades); 规章制度管理增减分 free-form with a reason."""

from __future__ import annotations

import copy
import io
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from okr.calibration.results import finalize, release
from okr.cycles.services import create_cycle
from okr.domain.steps import steps_from_data
from okr.explain import describe_steps
from okr.extensions import db
from okr.review_templates.simulator import InputsInvalid, read_inputs, simulate
from okr.reviews.models import Appraisal
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import TemplateInvalid, validate
from tests.factories import appraisal_of, opened_review, store_template
from tests.helpers import field_error, form_values, snapshot, text

ZH = {"Accept-Language": "zh-CN"}
FAMILY = "monthly-objectives-100"
PLAN = {"videos": "30", "content": "30", "promotion": "25", "recruiting": "5", "ad_hoc": "10"}
SELF = {"videos": "30", "content": "28", "promotion": "25", "recruiting": "5", "ad_hoc": "10"}
REVIEWER = {"videos": "27", "content": "26.5", "promotion": "20", "recruiting": "5", "ad_hoc": "8"}


def _spec():
    return validate(copy.deepcopy(BUILT_IN[FAMILY]))[1]


def _fields(values: dict[str, str]) -> dict[str, str]:
    return {f"indicator-goals-{k}": v for k, v in values.items()}


def test_the_plan_points_are_the_seeds_table_totalling_100():
    data = validate(copy.deepcopy(BUILT_IN[FAMILY]))[0]
    (goals,) = data["sections"]
    assert goals["self_assessed"] is True
    assert {i["key"]: i["max"] for i in goals["indicators"]} == PLAN
    assert (data["parts"], data["total_scale"]) == ({"goals": "100"}, "100")


def test_self_assessed_is_true_or_false_and_kept_only_when_true(app):
    data = copy.deepcopy(BUILT_IN[FAMILY])
    data["sections"][0]["self_assessed"] = "yes"
    with app.test_request_context():
        with pytest.raises(TemplateInvalid) as refused:
            validate(data)
        assert refused.value.problems == [
            ("sections.0.self_assessed", "“self_assessed” must be true or false.")
        ]
        data["sections"][0]["self_assessed"] = False
        assert "self_assessed" not in validate(data)[0]["sections"][0]


@pytest.mark.parametrize(
    ("points", "composite", "grade"),
    [
        (PLAN, "100", "优秀"),
        (REVIEWER, "86.5", "良好"),
        ({**PLAN, "ad_hoc": "0"}, "90", "优秀"),  # 90 reaches the band
        ({**PLAN, "ad_hoc": "0", "recruiting": "0", "content": "29.99"}, "84.99", "良好"),
        ({"videos": "15", "content": "20", "promotion": "20", "recruiting": "0", "ad_hoc": "5"}, "60", "合格"),
        ({"videos": "10", "content": "20", "promotion": "20", "recruiting": "5", "ad_hoc": "4.5"}, "59.5", "不合格"),
    ],
)  # fmt: skip
def test_the_reviewers_points_sum_exactly_to_the_grade(app, points, composite, grade):
    spec = _spec()
    with app.test_request_context(), force_locale("zh"):
        result = simulate(spec, read_inputs(spec, {"sections": {"goals": points}})).result
    assert (str(result.composite), result.grade) == (composite, grade)


def test_points_above_a_goals_plan_are_refused_in_the_simulator(app):
    spec = _spec()
    goals = {**PLAN, "promotion": "26"}
    with app.test_request_context(), force_locale("zh"), pytest.raises(InputsInvalid) as refused:
        read_inputs(spec, {"sections": {"goals": goals}})
    assert refused.value.problems == [
        ("sections.goals.promotion", "网站推广的分数为 0 至 25 分，不能是 26。")
    ]


@pytest.fixture
def month(make_person, make_department, admin):
    team = make_department("推广部")
    manager = make_person("单总", department=team)
    person = make_person("刘明", department=team, manager=manager)
    colleague = make_person("韦华", department=team, manager=manager)
    cycle = create_cycle("month", date(2026, 5, 1), make_current=True)
    template = store_template(FAMILY)
    review = opened_review(cycle, template, [team], admin, name="2026年5月 目标考核")
    db.session.commit()
    return {
        "manager": manager,
        "person": person,
        "colleague": colleague,
        "review": review,
        "hr": admin,
        "template": template,
        "appraisal": appraisal_of(review, person),
    }


def _self_url(month) -> str:
    return f"/reviews/appraisals/{month['appraisal'].id}/self"


def _self(client, month, action: str, values: dict[str, str], version: int = 1):
    data = {"action": action, "version": str(version), "reflection": "视频按时完成"}
    return client.post(_self_url(month), data=data | _fields(values))


def _fresh(month) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, month["appraisal"].id)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "“abc” is not a number."),
        ("31", "Four topic videos takes 0 to 30 points, not 31."),
        ("-1", "Four topic videos takes 0 to 30 points, not -1."),
        ("", "Enter your points before submitting."),
    ],
    ids=["not-a-number", "above-the-plan", "negative", "missing"],
)
def test_a_self_score_the_goal_refuses_comes_back_beside_it_with_nothing_lost(
    month, login, value, message
):
    before = snapshot("appraisal")
    response = _self(login(month["person"]), month, "submit", {**SELF, "videos": value})
    assert response.status_code == 422
    assert field_error(response, "indicator-goals-videos") == message
    assert form_values(response)["indicator-goals-content"] == "28"
    assert snapshot("appraisal") == before


def test_only_the_person_enters_their_points_and_nobody_sees_a_draft(month, login):
    for other in ("manager", "colleague", "hr"):
        response = _self(login(month[other]), month, "draft", SELF)
        assert response.status_code in (403, 404), other
    assert _fresh(month).self_indicator_values == {}
    assert _self(login(month["person"]), month, "draft", SELF).status_code == 303
    assert _fresh(month).self_indicator_values == {"goals": SELF}
    appraisal_id = month["appraisal"].id
    mine = text(login(month["person"]).get(f"/reviews/appraisals/{appraisal_id}"))
    assert 'value="28"' in mine
    for viewer in ("manager", "hr"):
        client = login(month[viewer])
        shown = text(client.get(f"/reviews/appraisals/{appraisal_id}"))
        assert "self-points-goals" not in shown, viewer
        assert "self-assessed 30 of 30 points" not in shown, viewer  # nor in the derivation
        interview = text(client.get(f"/reviews/appraisals/{appraisal_id}/interview?step=result"))
        assert "Self-assessed:" not in interview, viewer
    outsider = login(month["colleague"]).get(f"/reviews/appraisals/{appraisal_id}")
    assert outsider.status_code in (403, 404)


def test_a_real_month_from_the_self_assessment_to_the_record(month, login, client):
    person, manager, hr = month["person"], month["manager"], month["hr"]
    response = _self(login(person), month, "submit", SELF)
    assert response.status_code == 303, text(response)
    appraisal_id = month["appraisal"].id
    step = text(
        login(manager).get(
            f"/reviews/appraisals/{appraisal_id}/interview?step=self_assessment", headers=ZH
        )
    )
    assert 'id="self-points-goals"' in step and "网站内容编辑200篇" in step and "自评得分" in step
    response = login(manager).post(
        f"/reviews/appraisals/{appraisal_id}/interview",
        data={"step": "result", "goto": "result", "version": str(_fresh(month).version),
              "note-purpose": "回顾5月目标", **_fields(REVIEWER)},
    )  # fmt: skip
    assert response.status_code == 303, text(response)
    result_step = text(
        login(manager).get(f"/reviews/appraisals/{appraisal_id}/interview?step=result")
    )
    assert "Self-assessed: 28" in result_step
    appraisal = _fresh(month)
    assert appraisal.indicator_values == {"goals": REVIEWER}
    assert appraisal.self_indicator_values == {"goals": SELF}
    assert (str(appraisal.composite), appraisal.grade) == ("86.5", "良好")  # not the self 98
    spec = _spec()
    finalize(appraisal, spec)
    db.session.commit()
    release(month["review"], spec)
    db.session.commit()
    stored = _fresh(month).result
    assert (stored["composite"], stored["grade"]) == ("86.5", "良好")
    pairs = [s["params"] for s in stored["steps"] if s["code"] == "section.self_assessed"]
    assert [(p["indicator"], p["self"], p["points"]) for p in pairs] == [
        (k, SELF[k], REVIEWER[k]) for k in PLAN
    ]
    with force_locale("zh"):
        lines = describe_steps(steps_from_data(stored["steps"]), spec.glossary())
    assert (
        "网站内容编辑200篇：自评 28 分（满分 30 分），考核人 26.5 分；计入考核人的得分。" in lines
    )
    shown = text(login(person).get(f"/reviews/appraisals/{appraisal_id}"))
    assert 'id="self-points-goals"' in shown and "26.5" in shown
    assert "self-assessed 28 of 30 points, reviewer 26.5" in shown
    sheet = login(hr).get(f"/reviews/{month['review'].id}/results.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    row = next(r for r in rows[1:] if r[1] == "刘明")
    assert "86.5" in [str(v) for v in row] and "良好" in row
    pdf = login(hr).get(
        f"/records/appraisals/{appraisal_id}.pdf", headers={"Accept-Language": "zh-CN"}
    )
    assert pdf.status_code == 200
    record = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in (
        "月度目标 · 网站内容编辑200篇",
        "自评得分",
        "考核人得分",
        "26.5",
        "86.5",
        "良好",
    ):
        assert expected in record, expected
