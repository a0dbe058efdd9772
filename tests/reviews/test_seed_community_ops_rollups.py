"""Seed 004's half-year and yearly reviews ("考核周期:按季度、半年、年度进行"), the built-ins
`community-ops-half-year` and `community-ops-yearly`, end to end: quarterly `community-ops`
reviews of two people rated from the seed's dimensions and released -> a half-year review over
Q1 and Q2 and a yearly review over the four quarters -> the mean of the quarterly composites ->
the grade on the seed's 优秀 / 良好 / 一般 / 不合格 -> the PDF record read back. The seed does not
say mean or sum: the built-ins take the mean (docs/review-templates.md)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from okr.calibration.results import finalize_all, release
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.reviews.models import ImprovementPlan
from okr.reviews.services import spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import validate
from tests.factories import appraisal_of, cycle_row, fill_peer_forms, opened_review, store_template
from tests.reviews.seed_flow import finalize_and_release, post_interview, record_text

DIMENSIONS = ("fans", "content", "interaction", "sales")
PEER = ("cooperation", "innovation", "execution")
ALL_5 = dict.fromkeys(PEER, "5")
# The manager's four ratings and the two colleagues' sheets of a quarter, and its composite
# (as tests/reviews/test_seed_community_ops.py derives them).
GOOD = (("90", "80", "70", "60"), [ALL_5, ALL_5], D(86))  # 56 + 30
BEST = (
    ("100", "100", "90", "80"),
    [{"cooperation": "5", "innovation": "4", "execution": "4"}, ALL_5],
    D("94.95"),  # 67.2 + 27.75
)
WEAK = (("60", "50", "40", "30"), [dict.fromkeys(PEER, "3")] * 2, D(50))  # 35 + 15
QUARTERS = {1: ("郑堃", GOOD, "冯雪", BEST), 2: ("郑堃", WEAK, "冯雪", GOOD)}
QUARTERS |= {3: ("郑堃", BEST, "冯雪", GOOD), 4: ("郑堃", GOOD, "冯雪", BEST)}


@pytest.mark.parametrize("family", ["community-ops-half-year", "community-ops-yearly"])
def test_the_built_ins_take_the_mean_of_community_ops_with_its_bands(app, family):
    with app.test_request_context():
        canonical, _spec = validate(copy.deepcopy(BUILT_IN[family]))
    assert canonical["rollups"][0]["rollup"] == {
        "family": "community-ops",
        "of": "mean",
        "cycles": "within",
    }
    assert canonical["rollups"][0]["bonuses"] == []  # the seed names no half-year or year bonus
    assert [(b["label"], b["min"]) for b in canonical["bands"]] == [
        (b["label"], b["min"]) for b in BUILT_IN["community-ops"]["bands"]
    ]


def _quarter(login, n, team, manager, hr, raters, staff):
    """Quarter n of community-ops: both rated by two colleagues and in the one-on-one, released."""
    cycle = create_cycle("quarter", date(2026, 3 * n - 1, 1), make_current=True)
    template = store_template("community-ops", version=n)
    review = opened_review(cycle, template, [team], hr, name=f"2026 Q{n} 社群考核")
    db.session.commit()
    spec = spec_of(template)
    first, first_inputs, second, second_inputs = QUARTERS[n]
    for name, (ratings, sheets, _composite) in ((first, first_inputs), (second, second_inputs)):
        fill_peer_forms(appraisal_of(review, staff[name]), spec, manager, raters, sheets)
        db.session.commit()
        interview = dict(zip(DIMENSIONS, ratings, strict=True))
        post_interview(login, manager, appraisal_of(review, staff[name]), ratings=interview)
    released = finalize_and_release(review, spec, staff.values())
    assert {p: a.composite for p, a in released.items()} == {
        first: first_inputs[2],
        second: second_inputs[2],
    }


def _rolled_up(cycle, family, team, hr, name):
    """The roll-up review opened over the released quarters, finalized and released."""
    template = store_template(family)
    review = opened_review(cycle, template, [team], hr, name=name)
    db.session.commit()
    spec = spec_of(template)
    assert finalize_all(review, spec) == (2, 1)  # the manager had no quarter: never scored as 0
    db.session.commit()
    release(review, spec)
    db.session.commit()
    return review


def _planned(appraisal) -> bool:
    return db.session.scalar(select(ImprovementPlan.id).filter_by(appraisal_id=appraisal.id))


def test_four_quarters_to_the_half_year_and_yearly_records(
    app, login, make_person, make_department, admin
):
    team = make_department("社群运营部")
    manager = make_person("吴昊", department=team)
    staff = {n: make_person(n, department=team, manager=manager) for n in ("郑堃", "冯雪")}
    other = make_department("内容部")
    raters = [make_person(n, department=other) for n in ("周洁", "孙悦")]
    for n in (1, 2):
        _quarter(login, n, team, manager, admin, raters, staff)
    half = cycle_row("2026 H1", date(2026, 1, 1), date(2026, 6, 30), "active", kind="half_year")
    h1 = _rolled_up(half, "community-ops-half-year", team, admin, "2026 上半年社群考核")
    for n in (3, 4):
        _quarter(login, n, team, manager, admin, raters, staff)
    year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    y = _rolled_up(year, "community-ops-yearly", team, admin, "2026 年度社群考核")

    zheng, feng = (appraisal_of(h1, staff[n]) for n in ("郑堃", "冯雪"))
    assert (zheng.composite, zheng.final_grade) == (D(68), "一般")  # (86 + 50) ÷ 2
    assert (feng.composite, feng.final_grade) == (D("90.475"), "优秀")  # (94.95 + 86) ÷ 2
    zheng_y, feng_y = (appraisal_of(y, staff[n]) for n in ("郑堃", "冯雪"))
    # (86 + 50 + 94.95 + 86) ÷ 4 = 79.2375: under 80, 一般; the half-year result is not a quarter
    assert (zheng_y.composite, zheng_y.final_grade) == (D("79.2375"), "一般")
    assert (feng_y.composite, feng_y.final_grade) == (D("90.475"), "优秀")
    assert [_planned(a) is not None for a in (zheng, feng, zheng_y, feng_y)] == [
        True,
        False,
        True,
        False,
    ]  # "对考核不合格的员工进行培训、辅导": 一般 and 不合格, as community-ops

    record = record_text(login, staff["郑堃"], zheng_y)
    for line in (
        "4 个结果（2026 Q1、2026 Q2、2026 Q3、2026 Q4）的平均 = （86 + 50 + 94.95 + 86）÷ 4 = 79.2375",
        "2026 Q2 50 2 — 2026 Q3 94.95 1 —",  # each quarter, its department rank, no bonus
        "79.24 ≥ 60：等级为一般",
        "本年度各季度得分",
    ):
        assert line in record, (line, record)
    half_record = record_text(login, staff["冯雪"], feng)
    assert "2 个结果（2026 Q1、2026 Q2）的平均 = （94.95 + 86）÷ 2 = 90.475" in half_record
    assert "2026 Q3" not in half_record
    response = login(staff["冯雪"]).get(f"/records/appraisals/{zheng_y.id}.pdf")
    assert response.status_code in (403, 404)
