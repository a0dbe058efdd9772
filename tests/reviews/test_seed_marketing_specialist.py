"""Seed 000's 网络营销专员绩效考核表, the built-in `marketing-specialist`, end to end: 销售业绩 40%,
市场推广 20%, 广告投放 15%, 网络推广 15%, 客户维护 10%, each rated 0–100 by the supervisor, graded on
every indicator as well as the total ("优秀：在所有考核指标上均表现出色"; docs/review-templates.md),
so 100/100/100/100/0 (a total of 90) is 良好, not 优秀."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.review_templates.simulator import read_inputs, simulate
from okr.reviews.models import ImprovementPlan
from tests.factories import appraisal_of, opened_review, store_template
from tests.reviews.seed_flow import (
    finalize_and_release,
    post_interview,
    record_text,
    results_table,
    spec_of_built_in,
)

FAMILY = "marketing-specialist"
KEYS = ("sales", "promotion", "ads", "online", "care")

# name: the five ratings, the composite, the grade
MONTH = {
    # 40 + 20 + 15 + 15 + 0 = 90, but 客户维护 is not 80 or more: not 优秀; 4 of 5 at 80+: 良好
    "赵琳": (("100", "100", "100", "100", "0"), Decimal(90), "良好"),
    # 38 + 18 + 12.75 + 13.5 + 8 = 90.25, all five at 80 or more: 优秀
    "钱浩": (("95", "90", "85", "90", "80"), Decimal("90.25"), "优秀"),
    # 28 + 12 + 7.5 + 8.25 + 9 = 64.75, three at 60 or more: 合格
    "孙悦": (("70", "60", "50", "55", "90"), Decimal("64.75"), "合格"),
    # 32 + 10 + 7.5 + 7.5 + 9 = 66, only two at 60 or more: 不合格 ("大部分考核指标上未达到要求")
    "李航": (("80", "50", "50", "50", "90"), Decimal(66), "不合格"),
}


@pytest.mark.parametrize("name", sorted(MONTH))
def test_the_sheet_is_graded_on_the_total_and_every_indicator(app, name):
    spec = spec_of_built_in(FAMILY)
    ratings, composite, grade = MONTH[name]
    with app.test_request_context(), force_locale("zh"):
        result = simulate(
            spec, read_inputs(spec, {"interview": dict(zip(KEYS, ratings, strict=True))})
        ).result
    assert (result.composite, result.grade) == (composite, grade)


def test_a_real_review_from_the_supervisors_sheet_to_the_records(
    app, login, make_person, make_department, admin
):
    team = make_department("网络营销部")
    supervisor = make_person("王静", department=team)
    staff = {n: make_person(n, department=team, manager=supervisor) for n in MONTH}
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    review = opened_review(cycle, store_template(FAMILY), [team], admin, name="2026 Q4 专员考核")
    db.session.commit()
    for name, person in staff.items():
        ratings = dict(zip(KEYS, MONTH[name][0], strict=True))
        post_interview(login, supervisor, appraisal_of(review, person), ratings=ratings)

    spec = spec_of_built_in(FAMILY)
    released = finalize_and_release(review, spec, staff.values())
    assert {n: (a.composite, a.grade) for n, a in released.items()} == {
        n: (c, g) for n, (_r, c, g) in MONTH.items()
    }
    plans = {
        n
        for n, a in released.items()
        if db.session.scalar(select(ImprovementPlan.id).filter_by(appraisal_id=a.id))
    }
    assert plans == {"孙悦", "李航"}  # 合格 and 不合格 get the 绩效改进计划

    _header, rows = results_table(login, admin, review)
    assert {n: (r["Rank"], r["Composite"], r["Grade"]) for n, r in rows.items()} == {
        "钱浩": (1, Decimal("90.25"), "优秀"),
        "赵琳": (2, Decimal(90), "良好"),
        "李航": (3, Decimal(66), "不合格"),
        "孙悦": (4, Decimal("64.75"), "合格"),
    }

    record = record_text(login, staff["赵琳"], released["赵琳"])
    assert "综合得分 90 / 100 等级 良好" in record, record
    assert "只有 4 项达到（未达到：客户维护），因此不评为优秀" in record, record
    assert "90 ≥ 80：等级为良好" in record, record
