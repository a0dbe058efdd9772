"""A yearly review whose part rolls up the released monthly results: read for the whole review
when it is opened and again at finalize, stored with each appraisal (rollup_sources), frozen
once finalized, shown on the appraisal page (same queries at two sizes) and in the record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from okr.calibration.results import finalize_all, release
from okr.extensions import db
from okr.records.data import build_record
from okr.reviews.models import ReviewTemplate
from okr.reviews.services import spec_of
from okr.schemes.checks import validate
from tests.factories import appraisal_of, build_org, cycle_row, interview_only_spec, opened_review
from tests.helpers import text
from tests.reviews.rollup_months import AWARD, month, yearly_spec


@pytest.fixture
def org(app, make_person, make_department):
    with app.test_request_context():
        org = build_org(
            make_person, make_department, per_manager=2, spec=interview_only_spec(outcomes=[AWARD])
        )
        spec, _parsed = validate(yearly_spec(org.template.family))
    org.yearly = ReviewTemplate(family="yearly", version=1, name="年度考核", spec=spec)
    db.session.add(org.yearly)
    org.year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    db.session.commit()
    return org


def open_year(org):
    review = opened_review(org.year, org.yearly, org.teams, org.hr, name="2026 年度考核")
    db.session.commit()
    return review


def test_opening_reads_the_released_months_and_scores_them_exactly(org):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    month(org, 2, {a: "85.5", b: "92"})
    month(org, 3, {a: "70", b: "70"}, released=False)  # not released: not counted
    review = open_year(org)
    mine = appraisal_of(review, a)
    assert [s["cycle"] for s in mine.rollup_sources["monthly"]] == ["2026-01", "2026-02"]
    assert mine.rollup_sources["monthly"][0] == {
        "cycle": "2026-01",
        "composite": "95",
        "outcomes": ["award"],
        "rank": 1,
    }
    # (95 + 85.5) / 2 = 90.25, 获得月度奖 once (+4), department first once (+2)
    assert mine.composite == D("96.25") and mine.grade == "升级"
    theirs = appraisal_of(review, b)
    assert theirs.composite == D("86") + D(4) + D(2)
    boss = appraisal_of(review, org.managers[0])
    assert boss.rollup_sources == {"monthly": []}
    assert boss.composite is None  # no released month: the part is missing, never 0


def test_finalize_reads_the_months_released_since_and_freezes_them(org):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    review = open_year(org)
    month(org, 2, {a: "85.5", b: "92"})  # released after the yearly review opened
    spec = spec_of(org.yearly)
    done, passed = finalize_all(review, spec)
    db.session.commit()
    assert (done, passed) == (2, 1)  # the manager has no month: stays open, not finalized as 0
    mine = appraisal_of(review, a)
    assert mine.finalized_at is not None
    assert [s["cycle"] for s in mine.rollup_sources["monthly"]] == ["2026-01", "2026-02"]
    assert mine.result["composite"] == "96.25"
    steps = [s["code"] for s in mine.result["steps"]]
    assert "cycle_rollup.mean" in steps and "composite.total_year_end" in steps
    month(org, 4, {a: "60", b: "60"})
    finalize_all(review, spec)
    db.session.commit()
    db.session.refresh(mine)
    assert len(mine.rollup_sources["monthly"]) == 2  # frozen: a later month changes nothing
    assert mine.composite == D("96.25")
    release(review, spec)
    db.session.commit()


def _page_queries(client, count_queries, appraisal_id):
    with count_queries() as q:
        response = client.get(f"/reviews/appraisals/{appraisal_id}")
    assert response.status_code == 200
    return q.count, text(response)


def test_the_appraisal_page_shows_the_months_in_the_same_queries_at_two_sizes(
    org, client, login, count_queries
):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    small = open_year(org)
    login(org.hr)
    few, page = _page_queries(client, count_queries, appraisal_of(small, a).id)
    assert "2026-01" in page and "获得月度奖" in page
    for n in (2, 3, 4, 5, 6):
        month(org, n, {a: "88", b: "91"})
    spec = spec_of(org.yearly)
    finalize_all(small, spec)
    db.session.commit()
    more, page = _page_queries(client, count_queries, appraisal_of(small, a).id)
    assert all(f"2026-0{n}" in page for n in range(1, 7))
    assert more == few


def test_the_record_lists_the_months_and_a_record_without_rollups_hashes_as_before(app, org):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    month(org, 2, {a: "85.5", b: "92"})
    review = open_year(org)
    finalize_all(review, spec_of(org.yearly))
    db.session.commit()
    with app.test_request_context():
        record = build_record(appraisal_of(review, a).id)
        monthly = build_record(appraisal_of(org.reviews[0], a).id)
    assert record.rollups == [
        (
            "Monthly results",
            [("2026-01", "95", "1", "获得月度奖、入TOP3"), ("2026-02", "85.5", "2", "—")],
        )
    ]
    assert monthly.rollups == []
    import hashlib
    import json
    from dataclasses import asdict

    data = asdict(monthly)
    for name in ("content_hash", "rollups"):
        data.pop(name)
    for name in ("outcomes", "self_points", "consequences"):  # left out when empty
        if not data.get(name, True):
            data.pop(name)
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert monthly.content_hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_simulator_takes_the_monthly_composites_as_raw_inputs(app):
    from okr.review_templates.simulator import InputsInvalid, read_inputs, simulate
    from okr.schemes.format import parse

    with app.test_request_context():
        spec = parse(validate(yearly_spec("new-media-monthly"))[0])
        inputs = read_inputs(
            spec,
            {"rollups": {"monthly": ["90", "85.5", {"composite": "88", "outcomes": ["award"]}]}},
        )
        result = simulate(spec, inputs).result
        assert result.composite == D("263.5") / 3 + D(4)
        assert simulate(spec, read_inputs(spec, {})).result.missing_parts == ("monthly",)
        with pytest.raises(InputsInvalid) as refused:
            read_inputs(spec, {"rollups": {"monthly": ["ninety"], "weekly": []}})
        places = dict(refused.value.problems)
        assert "Result 1 needs a composite" in places["rollups.monthly"]
        assert "not a roll-up part" in places["rollups.weekly"]
