"""Built-in new-media-yearly end to end (seed 003: "考核分数将纳入年终考核", "获得月度奖，年度考核综合分
加4分，入TOP3加2分"): monthly reviews released -> the yearly review opened over them -> finalize
-> release -> the grade -> the PDF record read back, and refused to a colleague."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from okr.calibration.results import finalize_all, release
from okr.extensions import db
from okr.reviews.services import spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.builtin_yearly import MONTHLY_FAMILY
from tests.factories import (
    appraisal_of,
    build_org,
    cycle_row,
    interview_only_spec,
    opened_review,
    store_template,
)
from tests.reviews.rollup_months import month

# A stand-in monthly template under the family the yearly one rolls up, with seed 003's TOP1
# (月度第一, the department's first place) as its outcome rule.
TOP1 = {"key": "top1", "label": "月度TOP1", "when": {"rank": 1, "in": "department"}, "points": "8"}


@pytest.fixture
def org(make_person, make_department):
    org = build_org(
        make_person, make_department, per_manager=2, spec=interview_only_spec(outcomes=[TOP1])
    )
    org.template.family = MONTHLY_FAMILY
    org.yearly = store_template("new-media-yearly")
    db.session.commit()
    org.spec = spec_of(org.template)
    return org


def test_the_built_in_is_stored_as_written():
    spec = BUILT_IN["new-media-yearly"]
    assert spec["rollups"][0]["rollup"] == {
        "family": MONTHLY_FAMILY,
        "of": "mean",
        "cycles": "within",
    }
    assert [b["points"] for b in spec["rollups"][0]["bonuses"]] == ["4", "2"]
    assert [b["label"] for b in spec["bands"]] == ["升级", "保级", "降级"]


def test_monthly_results_to_the_yearly_record(org, client, login):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})  # a first (TOP1), b second
    month(org, 2, {a: "85.5", b: "92"})  # b first, a second
    month(org, 3, {a: "50", b: "50"}, released=False)  # finalized, never released: left out
    year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    review = opened_review(year, org.yearly, org.teams, org.hr, name="2026 年度考核")
    db.session.commit()
    spec = spec_of(org.yearly)
    assert finalize_all(review, spec) == (2, 1)  # the manager has no month: never scored as 0
    db.session.commit()
    release(review, spec)
    db.session.commit()
    mine, theirs = appraisal_of(review, a), appraisal_of(review, b)
    # a: (95 + 85.5) ÷ 2 = 90.25; TOP1 once +4; in the TOP3 both months +2 × 2 = 4
    assert mine.composite == D("98.25") and mine.final_grade == "升级"
    # b: (80 + 92) ÷ 2 = 86; TOP1 once +4; TOP3 twice +4
    assert theirs.composite == D("94") and theirs.final_grade == "升级"
    assert mine.released_at is not None
    login(a)
    response = client.get(
        f"/records/appraisals/{mine.id}.pdf", headers={"Accept-Language": "zh-CN"}
    )
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("2026-01", "2026-02", "98.25", "升级", "1–12 月月度得分", "入TOP3加2分"):
        assert expected in text, expected
    assert "2026-03" not in text
    login(b)
    assert client.get(f"/records/appraisals/{mine.id}.pdf").status_code in (403, 404)
