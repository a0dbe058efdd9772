"""Seed 003's 客服绩效考核 (私域), the built-in `customer-service-40`, from the seed's own tiers:

  回复条数 2500≤x<3000 3 分, 3000≤x<3500 5 分, x>3500 8 分, x<2500 0 分
  平均响应时间 "90s≤x<75s" 3 分, "75s≤x≤60s" 6 分, x<60 10 分, x>90s 0 分
  发圈数 x≥90 6 分, x<40 0 分
  购买率 10%≤x<20% 3 分, 20%≤x<30% 5 分, x≥30% 8 分, x<10% 0 分
  购买金额 2W≤x<4W 3 分, 4W≤x<6W 5 分, x≥6W 8 分, x<2W 0 分

Interpretations (docs/review-templates.md): the ends exactly as written, so exactly 3500 replies
and 40 to 89 posts fall in no tier and score 0 (the derivation says so); the reversed response
tiers read as 75 < x ≤ 90 and 60 ≤ x ≤ 75; 2W = 20 000 元; bands 36 / 32 / 24 of the 40 points
(the default 90 / 80 / 60 %, the seed has none)."""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from okr.calibration.results import finalize, release
from okr.cycles.services import create_cycle
from okr.explain import describe_steps
from okr.extensions import db
from okr.review_templates.simulator import read_inputs, simulate
from okr.reviews.models import Appraisal
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import validate
from tests.factories import appraisal_of, opened_review, store_template
from tests.helpers import field_error, text

FAMILY = "customer-service-40"
ZH = {"Accept-Language": "zh-CN"}
TOP = {"replies": "3600", "response": "45", "posts": "95", "purchase_rate": "32", "purchase_amount": "65000"}  # fmt: skip


def _spec():
    return validate(copy.deepcopy(BUILT_IN[FAMILY]))[1]


def _points(app, indicator: str, value: str) -> Decimal:
    """The points one indicator gives: the composite with the others at their top tier (40
    points in all), less what the others give."""
    spec = _spec()
    (top,) = (i.max_points for i in spec.domain.section("service").indicators if i.key == indicator)
    values = {"sections": {"service": {**TOP, indicator: value}}}
    with app.test_request_context(), force_locale("zh"):
        result = simulate(spec, read_inputs(spec, values)).result
    return result.composite - (Decimal(40) - top)


def test_the_maxima_are_the_seeds_40_points():
    data = validate(copy.deepcopy(BUILT_IN[FAMILY]))[0]
    (service,) = data["sections"]
    tops = {i["key"]: i["max"] for i in service["indicators"]}
    assert tops == {"replies": "8", "response": "10", "posts": "6", "purchase_rate": "8", "purchase_amount": "8"}  # fmt: skip
    assert (data["parts"], data["total_scale"]) == ({"service": "40"}, "40")


@pytest.mark.parametrize(
    ("indicator", "value", "points"),
    [
        ("replies", "2499", "0"), ("replies", "2500", "3"), ("replies", "2999", "3"),
        ("replies", "3000", "5"), ("replies", "3499", "5"),
        ("replies", "3500", "0"),  # neither "<3500" nor ">3500": in no tier, as written
        ("replies", "3501", "8"),
        ("response", "59.9", "10"), ("response", "60", "6"), ("response", "75", "6"),
        ("response", "75.1", "3"), ("response", "90", "3"), ("response", "90.1", "0"),
        ("posts", "39", "0"), ("posts", "40", "0"), ("posts", "89", "0"), ("posts", "90", "6"),
        ("purchase_rate", "9.99", "0"), ("purchase_rate", "10", "3"), ("purchase_rate", "20", "5"),
        ("purchase_rate", "29.99", "5"), ("purchase_rate", "30", "8"),
        ("purchase_amount", "19999", "0"), ("purchase_amount", "20000", "3"),
        ("purchase_amount", "40000", "5"), ("purchase_amount", "59999.99", "5"),
        ("purchase_amount", "60000", "8"),
    ],
)  # fmt: skip
def test_each_tier_gives_its_points_with_its_ends_as_written(app, indicator, value, points):
    assert _points(app, indicator, value) == Decimal(points)


@pytest.mark.parametrize(
    ("values", "composite", "grade"),
    [
        (TOP, "40", "优秀"),
        ({**TOP, "posts": "60"}, "34", "良好"),  # 40-89 posts: no tier
        ({**TOP, "response": "70", "purchase_rate": "15"}, "31", "合格"),
        ({"replies": "3500", "response": "75", "posts": "60", "purchase_rate": "20", "purchase_amount": "60000"}, "19", "不合格"),
    ],
)  # fmt: skip
def test_the_month_sums_its_points_to_the_grade(app, values, composite, grade):
    spec = _spec()
    with app.test_request_context(), force_locale("zh"):
        found = simulate(spec, read_inputs(spec, {"sections": {"service": values}}))
        lines = describe_steps(found.steps, spec.glossary())
    assert (str(found.result.composite), found.result.grade) == (composite, grade)
    if values["posts"] == "60":
        assert "60 不属于任何档位：0 分" in lines


def _fields(values: dict[str, str]) -> dict[str, str]:
    return {f"indicator-service-{k}": v for k, v in values.items()}


def test_a_real_month_from_the_interview_to_the_record(
    app, login, make_person, make_department, admin
):
    team = make_department("私域运营部")
    manager = make_person("周洁", department=team)
    staff = [make_person(n, department=team, manager=manager) for n in ("陈晨", "林芳")]
    cycle = create_cycle("month", date(2026, 11, 2), make_current=True)
    review = opened_review(cycle, store_template(FAMILY), [team], admin, name="2026年11月 客服考核")
    db.session.commit()
    months = {
        "陈晨": {**TOP, "replies": "3200", "response": "62"},  # 5 + 6 + 6 + 8 + 8 = 33
        "林芳": {"replies": "3500", "response": "80", "posts": "90", "purchase_rate": "12", "purchase_amount": "25000"},  # 0 + 3 + 6 + 3 + 3 = 15
    }  # fmt: skip
    for person in staff:
        appraisal = appraisal_of(review, person)
        url = f"/reviews/appraisals/{appraisal.id}/interview"
        base = {"step": "result", "goto": "result", "version": str(appraisal.version)}
        refused = login(manager).post(
            url, data=base | _fields({**months[person.name], "response": "快"})
        )
        assert refused.status_code == 422
        assert field_error(refused, "indicator-service-response") == "“快” is not a number."
        done = login(manager).post(url, data=base | _fields(months[person.name]))
        assert done.status_code == 303, text(done)
        other = login(staff[1] if person is staff[0] else staff[0]).post(url, data=base)
        assert other.status_code in (403, 404)
    db.session.expire_all()
    first, second = (appraisal_of(review, p) for p in staff)
    assert (str(first.composite), first.grade) == ("33", "良好")
    assert (str(second.composite), second.grade) == ("15", "不合格")
    spec = _spec()
    for appraisal in (first, second):
        finalize(db.session.get(Appraisal, appraisal.id), spec)
    db.session.commit()
    release(review, spec)
    db.session.commit()
    sheet = login(admin).get(f"/reviews/{review.id}/results.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    cells = {row[1]: [str(v) for v in row] for row in rows[1:]}
    assert "33" in cells["陈晨"] and "良好" in cells["陈晨"]
    assert "15" in cells["林芳"] and "不合格" in cells["林芳"]
    pdf = login(admin).get(f"/records/appraisals/{second.id}.pdf", headers=ZH)
    assert pdf.status_code == 200
    record = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("客服绩效考核", "3500", "15", "不合格"):
        assert expected in record, expected
