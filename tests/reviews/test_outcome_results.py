"""Rewards and penalties (奖惩) where HR pays them: a column per rule in results.xlsx (the amount
where it applies, the range HR settles within, "when ranked" before release) and the sentences
in the review record, the same as on the appraisal page."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import asdict
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from okr.calibration.results import release
from okr.extensions import db
from okr.records.data import build_record
from tests.factories import build_org, interview_only_spec, open_cycle_review, rated_and_final
from tests.helpers import ZH

OUTCOMES = [
    {"key": "above_90", "label": "超过90分奖励", "when": {"above": "90"},
     "money": {"min": "50", "max": "200"}},
    {"key": "below_65", "label": "低于65分惩处", "when": {"below": "65"}, "money": "-100"},
    {"key": "top1", "label": "部门第一名奖励", "when": {"rank": 1, "in": "department"},
     "money": "100"},
    {"key": "company_top2", "label": "公司前两名", "when": {"rank": 2, "in": "company"},
     "points": "3"},
]  # fmt: skip
RATINGS = ("95", "60", "91", "80")  # two teams of two: 95 and 60, then 91 and 80


@pytest.fixture
def org(make_person, make_department):
    org = build_org(
        make_person, make_department, teams=2, spec=interview_only_spec(outcomes=OUTCOMES)
    )
    open_cycle_review(org)
    for person, rating in zip(org.staff, RATINGS, strict=True):
        rated_and_final(org, person, rating)
    return org


def _sheet(client, org) -> list[tuple]:
    response = client.get(f"/reviews/{org.reviews[-1].id}/results.xlsx")
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def _by_person(rows: list[tuple]) -> dict[str, tuple]:
    return {row[1]: row[-4:] for row in rows[1:]}


def test_each_rule_is_a_column_with_what_it_gives(client, login, org):
    rows = _sheet(login(org.hr), org)
    assert rows[0][-4:] == (
        "超过90分奖励 (yuan)",
        "低于65分惩处 (yuan)",
        "部门第一名奖励 (yuan)",
        "公司前两名 (points)",
    )


def test_before_release_rank_rules_wait_and_score_rules_apply(client, login, org):
    cells = _by_person(_sheet(login(org.hr), org))
    first, second, third, fourth = (p.name for p in org.staff)
    assert cells[first] == ("50…200", None, "when ranked", "when ranked")
    assert cells[second] == (None, -100, "when ranked", "when ranked")
    assert cells[fourth] == (None, None, "when ranked", "when ranked")
    assert cells[third][0] == "50…200"


def test_after_release_the_ranks_decide_in_the_department_and_the_company(client, login, org):
    release(org.reviews[-1], org.spec)
    db.session.commit()
    cells = _by_person(_sheet(login(org.hr), org))
    first, second, third, fourth = (p.name for p in org.staff)
    assert cells[first] == ("50…200", None, 100, 3)  # 95: first in its team and the company
    assert cells[third] == ("50…200", None, 100, 3)  # 91: first in its team, second overall
    assert cells[fourth] == (None, None, None, None)  # 80: second in its team, third overall
    assert cells[second] == (None, -100, None, None)
    assert isinstance(cells[second][1], int | float) and Decimal(str(cells[second][1])) == -100


def test_the_record_states_each_outcome_with_its_reason(app, org):
    release(org.reviews[-1], org.spec)
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        record = build_record(org.appraisal(org.staff[2]).id)
    assert record.outcomes == [
        "超过90分奖励: a score of 91, so 50…200 yuan.",
        "部门第一名奖励: rank 1 in the department (top 1), so 100 yuan.",
        "公司前两名: rank 2 in the company (top 2), so 3 points.",
    ]


def test_a_record_without_outcome_rules_keeps_the_hash_it_had(app, make_person, make_department):
    """Records of schemes without 奖惩 hash as they did before records had outcomes."""
    org = build_org(make_person, make_department)
    open_cycle_review(org)
    appraisal = rated_and_final(org, org.staff[0], "80")
    with app.test_request_context(), force_locale("en"):
        record = build_record(appraisal.id)
    data = asdict(record)
    assert data.pop("outcomes") == []
    assert data.pop("self_points") == []  # nor self-assessed sections (okr.reviews.self_points)
    assert data.pop("consequences") == [] and data.pop("rollups") == []  # nor streaks, roll-ups
    data.pop("content_hash")
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert record.content_hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_pdf_record_prints_the_outcomes_in_chinese(client, login, org):
    release(org.reviews[-1], org.spec)
    db.session.commit()
    login(org.hr)
    url = f"/records/appraisals/{org.appraisal(org.staff[1]).id}.pdf"
    pdf = client.get(url, headers=ZH).data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "奖惩" in flat
    assert re.sub(r"\s+", "", "低于65分惩处：") in flat and "-100" in flat
