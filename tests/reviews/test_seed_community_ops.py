"""Seed 004's 社群运营部门考核方案, the built-in `community-ops`, end to end: the dimensions 粉丝 40%,
内容质量 30%, 互动效果 20%, 销售业绩 10% rated 0–100 in the one-on-one (70%), the team's evaluation
(30%, at least two colleagues), the grades 优秀 / 良好 / 一般 / 不合格 ("确定考核等级") at 90 / 80 / 60,
and "对考核不合格的员工进行培训、辅导" as the improvement plan. The seed prints a fifth weight, 运营成本
10%, which makes 110%: the built-in leaves it out (docs/review-templates.md)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.review_templates.simulator import read_inputs, simulate
from okr.reviews.models import ImprovementPlan
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import TemplateInvalid, validate
from tests.factories import appraisal_of, fill_peer_forms, opened_review, store_template
from tests.reviews.seed_flow import (
    finalize_and_release,
    post_interview,
    record_text,
    results_table,
    spec_of_built_in,
)

FAMILY = "community-ops"
DIMENSIONS = ("fans", "content", "interaction", "sales")
PEER = ("cooperation", "innovation", "execution")
ALL_5 = dict.fromkeys(PEER, "5")
# name: the manager's four ratings, the two colleagues' sheets, the composite, the grade
MONTH = {
    # (36 + 24 + 14 + 6)% × 70 = 56; 1 × 30 = 30: 86
    "郑堃": (("90", "80", "70", "60"), [ALL_5, ALL_5], Decimal(86), "良好"),
    # (40 + 30 + 18 + 8)% × 70 = 67.2; (0.85 + 1) ÷ 2 × 30 = 27.75: 94.95
    "冯雪": (
        ("100", "100", "90", "80"),
        [{"cooperation": "5", "innovation": "4", "execution": "4"}, ALL_5],
        Decimal("94.95"),
        "优秀",
    ),
    # (24 + 15 + 8 + 3)% × 70 = 35; 0.5 × 30 = 15: 50
    "陈晨": (("60", "50", "40", "30"), [dict.fromkeys(PEER, "3")] * 2, Decimal(50), "不合格"),
}


def test_the_seeds_five_weights_are_refused_with_their_sum(app):
    spec = copy.deepcopy(BUILT_IN[FAMILY])
    spec["criteria"]["interview"].append(
        {"key": "cost", "label": "运营成本", "weight": "10", "scale": ["0", "100"]}
    )
    with app.test_request_context(), force_locale("en"), pytest.raises(TemplateInvalid) as refused:
        validate(spec)
    assert "add up to 110%, not 100%" in str(refused.value)


@pytest.mark.parametrize("name", sorted(MONTH))
def test_the_month_scores_in_the_simulator(app, name):
    spec = spec_of_built_in(FAMILY)
    ratings, sheets, composite, grade = MONTH[name]
    values = {"interview": dict(zip(DIMENSIONS, ratings, strict=True)), "peer": sheets}
    with app.test_request_context(), force_locale("zh"):
        result = simulate(spec, read_inputs(spec, values)).result
    assert (result.composite, result.grade) == (composite, grade)


def test_a_real_month_from_the_ratings_to_the_records(
    app, login, make_person, make_department, admin
):
    team = make_department("社群运营部")
    manager = make_person("吴昊", department=team)
    staff = {n: make_person(n, department=team, manager=manager) for n in MONTH}
    cycle = create_cycle("month", date(2026, 11, 2), make_current=True)
    review = opened_review(cycle, store_template(FAMILY), [team], admin, name="2026年11月 社群考核")
    db.session.commit()
    spec = spec_of_built_in(FAMILY)
    for name, person in staff.items():
        ratings, sheets, _composite, _grade = MONTH[name]
        others = [p for n, p in staff.items() if n != name]
        fill_peer_forms(appraisal_of(review, person), spec, manager, others, sheets)
        db.session.commit()
        interview = dict(zip(DIMENSIONS, ratings, strict=True))
        post_interview(login, manager, appraisal_of(review, person), ratings=interview)

    released = finalize_and_release(review, spec, staff.values())
    assert {n: (a.composite, a.grade) for n, a in released.items()} == {
        n: (c, g) for n, (_r, _s, c, g) in MONTH.items()
    }
    planned = {
        n
        for n, a in released.items()
        if db.session.scalar(select(ImprovementPlan.id).filter_by(appraisal_id=a.id))
    }
    assert planned == {"陈晨"}  # 培训、辅导

    _header, rows = results_table(login, admin, review)
    parts = ("peer evaluation", "one-on-one interview")
    assert {n: [r[p] for p in parts] + [r["Rank"]] for n, r in rows.items()} == {
        "冯雪": [Decimal("27.75"), Decimal("67.2"), 1],
        "郑堃": [30, 56, 2],
        "陈晨": [15, 35, 3],
    }

    record = record_text(login, staff["冯雪"], released["冯雪"])
    assert "综合得分 94.95 / 100 等级 优秀 部门内排名 1" in record, record
    for line in (
        "1.85 ÷ 2 = 0.925",  # the two colleagues' mean, in the order the record lists them
        "(1 × 40 + 1 × 30 + 0.9 × 20 + 0.8 × 10) ÷ 100 = 96 ÷ 100 = 0.96",
        "27.75 + 67.2 = 94.95",
    ):
        assert line in record, line
