"""The monthly results that feed a yearly roll-up, read in one query for a whole review: only
released results under the family within the year, the latest review of a month, the outcome
rules that applied and the ranks; the roll-up over them is exact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from flask_babel import force_locale

from okr.domain.cycle_rollup import CycleRollup, YearEndBonus, roll_up
from okr.explain import describe_steps
from okr.extensions import db
from okr.reviews.cycle_results import rolled_results
from okr.reviews.models import ReviewTemplate
from tests.factories import (
    appraisal_of,
    build_org,
    cycle_row,
    interview_only_spec,
    opened_review,
)
from tests.reviews.rollup_months import AWARD, month

COMPANY_TOP = {
    "key": "best",
    "label": "公司第一",
    "when": {"rank": 1, "in": "company"},
    "points": "1",
}


@pytest.fixture
def org(make_person, make_department):
    spec = interview_only_spec(outcomes=[AWARD, COMPANY_TOP])
    return build_org(make_person, make_department, per_manager=2, spec=spec)


def test_released_months_within_the_year_feed_the_rollup(org):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    month(org, 2, {a: "85.5", b: "92"})
    month(org, 3, {a: "70", b: "70"}, released=False)  # finalized, not released: not counted
    year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    other = ReviewTemplate(family="other", version=1, name="other", spec=org.template.spec)
    db.session.add(other)
    db.session.commit()
    found = rolled_results(year, org.template.family, [a.id, b.id, org.managers[0].id])
    assert [(r.cycle, r.composite) for r in found[a.id]] == [
        ("2026-01", 95),
        ("2026-02", D("85.5")),
    ]
    assert found[a.id][0].outcomes == {"award", "best"}
    assert found[a.id][1].outcomes == frozenset()
    assert found[b.id][1].outcomes == {"award", "best"}
    assert found[a.id][0].rank == 1 and found[a.id][1].rank == 2
    assert found[org.managers[0].id] == []  # not rated in any month: no result, never 0
    assert rolled_results(year, "other", [a.id]) == {a.id: []}
    rollup = CycleRollup(
        org.template.family,
        bonuses=(YearEndBonus("award", D(4), outcome="award"), YearEndBonus("top1", D(2), top=1)),
    )
    result = roll_up("monthly", rollup, found[a.id])
    assert result.value == D("90.25")
    assert result.bonus == D(4) + D(2)
    assert roll_up("monthly", rollup, found[org.managers[0].id]).value is None


def test_a_person_has_one_result_per_month(org):
    a, b = org.staff
    cycle = month(org, 1, {a: "60", b: "60"})
    again = opened_review(cycle, org.template, org.teams, org.hr, name="2026-01 复核")
    db.session.commit()
    assert all(appraisal_of(again, p) is None for p in (a, b))  # the month already appraised them
    year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    found = rolled_results(year, org.template.family, [a.id])
    assert [(r.cycle, r.composite) for r in found[a.id]] == [("2026-01", 60)]


def test_the_whole_review_is_read_in_one_query_at_two_sizes(org, count_queries):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    month(org, 2, {a: "85", b: "92"})
    year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    db.session.commit()
    people, family = [a.id, b.id], org.template.family
    db.session.expire_all()
    year = db.session.get(type(year), year.id)
    with count_queries() as q:
        found = rolled_results(year, family, people)
    assert q.count == 1
    assert sum(len(v) for v in found.values()) == 4
    for n in (3, 4, 5, 6):  # three times the months: still one query
        month(org, n, {a: "90", b: "91"})
    db.session.expire_all()
    year = db.session.get(type(year), year.id)
    with count_queries() as q:
        found = rolled_results(year, family, people)
    assert q.count == 1
    assert sum(len(v) for v in found.values()) == 12


def test_the_derivation_reads_in_chinese_with_every_month(app, org):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    month(org, 2, {a: "85.5", b: "92"})
    year = cycle_row("2026", date(2026, 1, 1), date(2026, 12, 31), "active", kind="year")
    found = rolled_results(year, org.template.family, [a.id])
    rollup = CycleRollup(
        org.template.family, bonuses=(YearEndBonus("获得月度奖", D(4), outcome="award"),)
    )
    result = roll_up("1–12 月月度得分", rollup, found[a.id])
    with app.test_request_context(), force_locale("zh"):
        lines = describe_steps(result.steps)
    assert lines == [
        "1–12 月月度得分：2 个结果（2026-01、2026-02）的平均 = （95 + 85.5）÷ 2 = 90.25",
        "获得月度奖：1 个周期（2026-01）× 4 = 4",
    ]
