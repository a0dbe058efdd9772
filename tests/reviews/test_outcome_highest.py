"""An outcome rule on the highest value of an indicator ("最高互动率奖金"): pending until the
results are ranked (released), then earned by every released result at the highest value of its
department (or of the whole review), ties all earning it; a result without the value never
does. Alike in results.xlsx and in the record, read for a whole export in one query."""

from __future__ import annotations

import copy
import io
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import event

from okr.appraisals.services import save_interview
from okr.calibration.results import finalize, release
from okr.domain.outcomes import Highest, outcomes_for
from okr.extensions import db
from okr.records.data import build_record
from okr.schemes.builtin import BUILT_IN
from okr.schemes.outcome_format import read_outcomes
from tests.factories import build_org, open_cycle_review

# A test scheme, not a seed's: new-media-monthly with two highest-value rules added.
HIGHEST = [
    {"key": "top_survey", "label": "最高满意度奖金", "money": "200",
     "when": {"highest": "satisfaction.survey", "in": "department"}},
    {"key": "top_exposure", "label": "全公司最高曝光", "points": "1",
     "when": {"highest": "brand.exposure", "in": "company"}},
]  # fmt: skip
# two teams of two: the survey ties at 7 in the first team; exposure ties at 4000 across teams
VALUES = [("7", "3000"), ("7", "4000"), ("5", "4000"), ("9", "2000")]


def _form(survey: str, exposure: str) -> dict[str, str]:
    return {
        "indicator-operations-fans_content": "60",
        "indicator-satisfaction-survey": survey,
        "indicator-satisfaction-complaints": "-2",
        "indicator-brand-exposure": exposure,
        "indicator-brand-reputation": "280",
    }


@pytest.fixture
def org(make_person, make_department):
    spec = copy.deepcopy(BUILT_IN["new-media-monthly"])
    spec["outcomes"] = spec["outcomes"] + HIGHEST
    org = build_org(make_person, make_department, teams=2, spec=spec)
    open_cycle_review(org)
    for person, (survey, exposure) in zip(org.staff, VALUES, strict=True):
        appraisal = org.appraisal(person)
        save_interview(
            appraisal, org.spec, _form(survey, exposure), {"purpose": "月度"}, "", True, None
        )
        finalize(appraisal, org.spec)
    db.session.commit()
    return org


def _cells(client, org) -> dict[str, tuple]:
    response = client.get(f"/reviews/{org.reviews[-1].id}/results.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("最高满意度奖金 (yuan)", "全公司最高曝光 (points)")
    return {row[1]: row[-2:] for row in rows[1:]}


def test_before_release_the_highest_value_rules_wait(client, login, org):
    cells = _cells(login(org.hr), org)
    assert set(cells.values()) == {("when ranked", "when ranked")}


def test_after_release_the_highest_values_earn_it_and_ties_all_do(client, login, org):
    release(org.reviews[-1], org.spec)
    db.session.commit()
    cells = _cells(login(org.hr), org)
    first, second, third, fourth = (p.name for p in org.staff)
    assert cells[first] == (200, None)  # 7, tied highest of its team; 3000
    assert cells[second] == (200, 1)  # 7, tied; 4000, tied highest of the company
    assert cells[third] == (None, 1)  # 5 (its team's 9 is higher); 4000, tied
    assert cells[fourth] == (200, None)  # 9; 2000


def test_the_export_reads_the_highest_values_in_one_query(client, login, org, app):
    release(org.reviews[-1], org.spec)
    db.session.commit()
    client = login(org.hr)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if "indicator_values" in statement and "appraisal.review_id" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        _cells(client, org)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    highest = [s for s in statements if "appraisal.rank IS NOT NULL" in s]
    assert len(highest) == 1, statements


def test_a_result_without_the_value_never_earns_it():
    rule = read_outcomes({"outcomes": HIGHEST})[0]
    pair = ("satisfaction.survey", "department")
    assert outcomes_for([rule], None, None, {}, {pair: Highest(None, Decimal(5))}) == []
    assert outcomes_for([rule], None, None, {}, {pair: Highest(None, None)}) == []
    assert outcomes_for([rule], None, None, {}, {pair: Highest(Decimal(4), Decimal(5))}) == []
    [tied] = outcomes_for([rule], None, None, {}, {pair: Highest(Decimal("5.0"), Decimal(5))})
    assert not tied.pending and tied.step.params["value"] == "5"
    [waiting] = outcomes_for([rule], None, None, {})
    assert waiting.pending


def test_the_record_says_why(app, org):
    release(org.reviews[-1], org.spec)
    db.session.commit()
    second = org.appraisal(org.staff[1]).id
    with app.test_request_context(), force_locale("en"):
        record = build_record(second)
    assert record.outcomes[-2:] == [
        "最高满意度奖金: Satisfaction survey of 7 is the highest in the department (ties all earn it), so 200 yuan.",
        "全公司最高曝光: Brand exposure of 4000 is the highest in the company (ties all earn it), so 1 points.",
    ]
    with app.test_request_context(), force_locale("zh"):
        zh = build_record(second)
    assert zh.outcomes[-2:] == [
        "最高满意度奖金：用户满意度调查 7，是部门内最高（并列者均可获得），因此 200 元。",
        "全公司最高曝光：品牌曝光度 4000，是公司内最高（并列者均可获得），因此 1 分。",
    ]
