"""The record's key-result table: every row has its weighted score, point rules their points."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from okr.checkins.services import record_checkin
from okr.cycles.services import change_status, create_cycle
from okr.demo.okrs import REPLY_TIERS
from okr.extensions import db
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from tests.factories import appraisal_of, opened_review, store_template

D = Decimal


@pytest.fixture
def appraisal(make_person, make_department):
    """郑堃 with one objective of three kinds of key result, checked in once each."""
    team = make_department("社群运营组")
    hr = make_person("林慧", is_admin=True)
    manager = make_person("吴昊", department=team)
    person = make_person("郑堃", department=team, manager=manager)
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    objective = create_objective(
        cycle, "individual", ObjectiveData("社群活跃度提升", "", D(100), None), person, owner=person
    )
    rules = [
        KeyResultData("粉丝数", "人", "increase", D(50), start=D(50000), target=D(60000)),
        KeyResultData("社群有效回复数", "条", "tiers", D(30), tiers=REPLY_TIERS),
        KeyResultData(
            "用户满意度",
            "%",
            "per_unit",
            D(20),
            start=D(80),
            step=D(1),
            points_per_step=D("0.5"),
            direction="up",
            max_points=D(10),
        ),
    ]
    krs = [add_key_result(objective, rule, person)[0] for rule in rules]
    change_status(cycle, "running", hr)
    for kr, value in zip(krs, ("55000", "3200", "86"), strict=True):
        record_checkin(kr, value, "on_track", "", person, None)
    review = opened_review(cycle, store_template(name="默认"), [team], hr, name="2026 Q4 季度考核")
    db.session.commit()
    return appraisal_of(review, person), hr


def _pdf_text(client, appraisal_id: int, language: str) -> str:
    response = client.get(
        f"/records/appraisals/{appraisal_id}.pdf", headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_the_pdf_gives_every_key_result_its_weighted_score(client, login, appraisal):
    record, hr = appraisal
    login(hr)

    text = _pdf_text(client, record.id, "en")

    assert "Attainment Weighted score" in text
    # increase: (55000 − 50000) ÷ (60000 − 50000) = 50%, × 50 = 25 of 50
    assert re.search(r"粉丝数 .*?50% 25 / 50", text), text
    # tiers: 3200 is in [3000, 3500): 5 of 8 points = 62.5%, × 30 = 18.75 of 30
    assert re.search(r"62\.5% 5 of 8 points 18\.75 / 30", text), text
    # per unit: +6 steps × 0.5 = 3 of 10 points = 30%, × 20 = 6 of 20
    assert re.search(r"30% 3 of 10 points 6 / 20", text), text
    # the three add up to the objective's progress: 25 + 18.75 + 6 = 49.75
    assert "49.8%" in text
    assert "Weighted score = attainment × the key result's weight" in text


def test_the_chinese_pdf_labels_the_column(client, login, appraisal):
    record, hr = appraisal
    login(hr)

    text = _pdf_text(client, record.id, "zh-CN")

    assert "达成率 加权得分" in text
    assert re.search(r"62\.5% 5 / 8 分 18\.75 / 30", text), text
    assert "加权得分 = 达成率 × 关键结果的权重" in text
