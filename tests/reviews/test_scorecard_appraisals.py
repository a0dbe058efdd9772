"""A review on a scorecard template (考核表): HR imports seed 003's tables, the manager enters the
indicators on the interview, the composite is their exact sum (5.5 + 5.8 = 11.3), to the PDF."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from okr.calibration.results import finalize
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import spec_of
from tests.factories import today
from tests.helpers import field_error, text
from tests.reviews.scorecards import SEED_003, VALUES

FIELDS = {f"indicator-{s}-{i}": v for s, row in VALUES.items() for i, v in row.items()}
# A points scorecard with the two other rules: points given (工作态度, 10) and a base minus
# deductions (违规, 100 分，每次 −1).
CONDUCT = {
    "name": "行为考核表",
    "composite": "points",
    "total_scale": "110",
    "parts": {"conduct": "110"},
    "sections": [
        {
            "key": "conduct",
            "label": {"zh": "工作行为", "en": "Conduct"},
            "indicators": [
                {"key": "attitude", "label": "工作态度", "max": "10", "rule": {"kind": "points"}},
                {
                    "key": "rules",
                    "label": "违规",
                    "max": "100",
                    "rule": {"kind": "deductions", "each": "-1"},
                },
            ],
        }
    ],
    "bands": [{"label": "达标", "min": "90"}, {"label": "未达标", "min": "0"}],
}


@pytest.fixture
def scheme():
    return SEED_003


@pytest.fixture
def card(make_person, make_department, admin, login, scheme):
    """HR imports seed 003 (or `scheme`) and opens a review of 新媒体组 on it: 吴昊 manages 郑堃."""
    team = make_department("新媒体组")
    other = make_department("客服组")
    manager = make_person("吴昊", department=team)
    person = make_person("郑堃", department=team, manager=manager)
    peer = make_person("冯雨桐", department=team, manager=manager)
    other_manager = make_person("钱峰", department=other)
    cycle = create_cycle("quarter", today(), make_current=True)
    db.session.commit()
    client = login(admin)
    body = json.dumps(scheme, ensure_ascii=False)
    assert client.post("/reviews/templates/import", data={"text": body}).status_code == 303
    template = db.session.scalar(
        select(ReviewTemplate).where(ReviewTemplate.name == scheme["name"])
    )
    opened = client.post(
        "/reviews/new",
        data={
            "name": "2026 Q4 新媒体考核",
            "cycle_id": cycle.id,
            "template_id": template.id,
            "departments": [team.id],
            "self_deadline": (today() + timedelta(days=3)).isoformat(),
            "peer_deadline": (today() + timedelta(days=5)).isoformat(),
            "interview_deadline": (today() + timedelta(days=7)).isoformat(),
        },
    )
    assert opened.status_code == 303, text(opened)
    review = db.session.scalar(select(Review))
    appraisal = db.session.scalar(select(Appraisal).where(Appraisal.person_id == person.id))
    return {
        "hr": admin,
        "manager": manager,
        "person": person,
        "peer": peer,
        "other_manager": other_manager,
        "review": review,
        "appraisal": appraisal,
        "template": template,
    }


def _url(card) -> str:
    return f"/reviews/appraisals/{card['appraisal'].id}/interview"


def _post(client, card, version=1, **fields):
    data = {"step": "result", "goto": "result", "version": str(version), "note-purpose": "季度回顾"}
    return client.post(_url(card), data=data | fields)


def _fresh(card) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, card["appraisal"].id)


def test_the_manager_enters_the_indicators_and_the_record_sums_them_exactly(card, login, client):
    manager = login(card["manager"])
    page = text(manager.get(_url(card), query_string={"step": "result"}))
    assert f'id="section-{card["appraisal"].id}-satisfaction"' in page
    assert 'name="indicator-satisfaction-survey"' in page
    assert "用户满意度调查" in page and "at most 10 points" in page
    response = _post(manager, card, **FIELDS)
    assert response.status_code == 303, text(response)
    appraisal = _fresh(card)
    assert appraisal.indicator_values == VALUES
    assert str(appraisal.composite) == "11.3"
    assert appraisal.grade == "未达标"
    shown = text(login(card["hr"]).get(f"/reviews/appraisals/{appraisal.id}"))
    assert "User satisfaction" in shown and "20 points" in shown
    finalize(appraisal, spec_of(card["template"]))
    db.session.commit()
    review_id = card["review"].id
    for page in (f"/reviews/{review_id}/calibration", f"/reviews/{review_id}/rankings"):
        body = text(login(card["hr"]).get(page))
        assert '<th class="num">User satisfaction</th>' in body, page
        assert '<th class="num">Brand image</th>' in body, page
    exported = login(card["hr"]).get(f"/reviews/{review_id}/results.xlsx")
    header, row = list(load_workbook(io.BytesIO(exported.data)).active.iter_rows(values_only=True))
    assert header[4:7] == ("User satisfaction", "Brand image", "Composite")
    assert [Decimal(str(v)) for v in row[4:7]] == [Decimal("5.5"), Decimal("5.8"), Decimal("11.3")]
    stored = _fresh(card).result
    assert stored["composite"] == "11.3"
    assert stored["parts"]["satisfaction"]["points"] == "5.5"
    assert stored["parts"]["brand"]["points"] == "5.8"
    assert any(s["code"] == "section.sum" for s in stored["steps"])
    pdf = client.get(
        f"/records/appraisals/{appraisal.id}.pdf", headers={"Accept-Language": "zh-CN"}
    )
    assert pdf.status_code == 200
    record = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("用户满意度", "5.5", "品牌形象", "5.8", "11.3", "未达标"):
        assert expected in record, expected


@pytest.mark.parametrize(
    ("scheme", "field", "value", "message"),
    [
        (SEED_003, "indicator-satisfaction-survey", "abc", "“abc” is not a number."),
        (
            CONDUCT,
            "indicator-conduct-attitude",
            "12",
            "工作态度 takes 0 to 10 points, not 12.",
        ),
        (CONDUCT, "indicator-conduct-rules", "1.5", "违规 needs a whole count from 0, not 1.5."),
    ],
    ids=["not-a-number", "points-above-the-max", "fractional-count"],
)
def test_a_value_an_indicator_refuses_comes_back_beside_it_with_nothing_lost(
    card, login, scheme, field, value, message
):
    typed = {
        f"indicator-{s['key']}-{i['key']}": "3" for s in scheme["sections"] for i in s["indicators"]
    }
    response = _post(login(card["manager"]), card, **(typed | {field: value}))
    assert response.status_code == 422
    assert field_error(response, field) == message
    assert f'value="{value}"' in text(response)
    assert "note-purpose" in text(response)  # the notes travel along, nothing lost
    appraisal = _fresh(card)
    assert appraisal.indicator_values == {} and appraisal.interview_notes == {}


@pytest.mark.parametrize("scheme", [CONDUCT])
def test_points_and_deductions_indicators_sum_exactly(card, login, scheme):
    fields = {"indicator-conduct-attitude": "8.5", "indicator-conduct-rules": "3"}
    assert _post(login(card["manager"]), card, **fields).status_code == 303
    appraisal = _fresh(card)
    assert appraisal.indicator_values == {"conduct": {"attitude": "8.5", "rules": "3"}}
    assert str(appraisal.composite) == "105.5"  # 8.5 + (100 − 3)
    assert appraisal.grade == "达标"


def test_a_missing_indicator_leaves_the_appraisal_incomplete_with_the_reason(card, login):
    manager = login(card["manager"])
    partial = FIELDS | {"indicator-brand-reputation": ""}
    assert _post(manager, card, **partial).status_code == 303
    appraisal = _fresh(card)
    assert appraisal.indicator_values["brand"] == {"exposure": "3000"}
    assert appraisal.composite is None and appraisal.grade is None
    page = text(manager.get(f"/reviews/appraisals/{appraisal.id}"))
    assert "missing: Brand image: 品牌口碑 not entered" in page or "品牌口碑" in page
    assert "never counted as zero" in page


def test_completing_the_interview_asks_for_every_indicator(card, login):
    partial = FIELDS | {"indicator-brand-reputation": ""}
    response = _post(login(card["manager"]), card, action="complete", **partial)
    assert response.status_code == 422
    assert field_error(response, "indicator-brand-reputation") == (
        "Enter this before completing the interview."
    )
    assert _fresh(card).interview_at is None


def test_the_live_score_follows_the_typed_indicators_without_storing_them(card, login):
    manager = login(card["manager"])
    url = f"/reviews/appraisals/{card['appraisal'].id}/interview/score"
    response = manager.post(url, data=FIELDS, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert "<strong>11.3</strong>" in body
    assert "User satisfaction: 3.5 + 2 = 5.5 of 20 points." in body
    refused = manager.post(
        url, data=FIELDS | {"indicator-brand-exposure": "x"}, headers={"HX-Request": "true"}
    )
    assert "“x” is not a number." in text(refused)
    assert _fresh(card).indicator_values == {} and _fresh(card).composite is None


def test_a_stale_save_is_refused_and_keeps_what_was_typed(card, login):
    manager = login(card["manager"])
    assert _post(manager, card, **FIELDS).status_code == 303
    response = _post(manager, card, version=1, **(FIELDS | {"indicator-brand-exposure": "4000"}))
    assert response.status_code == 422
    assert 'value="4000"' in text(response)
    assert _fresh(card).indicator_values == VALUES


@pytest.mark.parametrize("who", ["person", "peer", "other_manager", "hr"])
def test_only_whoever_holds_the_interview_enters_the_indicators(card, login, who):
    client = login(card[who])
    response = _post(client, card, **FIELDS)
    assert response.status_code == 403
    score = client.post(f"/reviews/appraisals/{card['appraisal'].id}/interview/score", data=FIELDS)
    assert score.status_code == 403
    assert _fresh(card).indicator_values == {}


def test_the_indicators_travel_along_while_the_manager_moves_between_steps(card, login):
    manager = login(card["manager"])
    moved = _post(manager, card, **(FIELDS | {"goto": "plan"}))
    assert moved.status_code == 303
    page = text(manager.get(_url(card), query_string={"step": "plan"}))
    assert '<input type="hidden" name="indicator-brand-exposure" value="3000">' in page
    assert "indicator-brand-exposure-error" not in page
    assert _fresh(card).indicator_values == VALUES


def test_the_indicators_cost_no_queries_on_the_pages_that_show_them(card, login, count_queries):
    manager = login(card["manager"])
    appraisal_id = card["appraisal"].id
    pages = (f"{_url(card)}?step=result", f"/reviews/appraisals/{appraisal_id}")

    def counts() -> list[int]:
        found = []
        for page in pages:
            with count_queries() as counted:
                assert manager.get(page).status_code == 200
            found.append(counted.count)
        return found

    before = counts()
    assert _post(manager, card, **FIELDS).status_code == 303
    assert counts() == before
