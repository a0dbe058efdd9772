"""Seed 000's 网络推广员工考核表(月度), the built-in `promotion-monthly-100`, from the seed's own
words: "标准分100分, 每违反一项扣除1分, 定金和签单为加项; 90分以下(含90分)为需努力员工, 连续3个月度
个人考核<90分, 将进行解聘; 100分以上为优秀员工, 每月分数排名第一名者奖励现金100元".

Interpretations (docs/review-templates.md): "100分以上" is above 100 (a clean month is the
standard, 100, not excellent); the unnamed band between is 合格; 定金 and 签单 carry no amount in
the seed, so they are free-form bonuses with a reason; "排名第一" is the department's ranking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from okr.cycles.services import create_cycle
from okr.domain.streaks import CycleResult, streak_of
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.review_templates.simulator import read_inputs, simulate
from tests.factories import appraisal_of, opened_review, store_template
from tests.helpers import text
from tests.reviews.seed_flow import (
    finalize_and_release,
    record_text,
    results_table,
    spec_of_built_in,
)

FAMILY = "promotion-monthly-100"


def _spec():
    return spec_of_built_in(FAMILY)


@pytest.mark.parametrize(
    ("breaches", "bonus", "composite", "grade"),
    [
        ("0", None, "100", "合格"),  # the standard score is not "100分以上"
        ("0", "5", "105", "优秀"),  # a signed deal on a clean month
        ("3", "2", "99", "合格"),  # three breaches, a deposit
        ("9", None, "91", "合格"),
        ("10", None, "90", "需努力"),  # "90分以下(含90分)"
        ("25", "1", "76", "需努力"),
    ],
)
def test_the_month_scores_as_the_seed_counts(app, breaches, bonus, composite, grade):
    spec = _spec()
    free = [{"reason": "签单", "points": bonus}] if bonus else []
    values = {"sections": {"conduct": {"breaches": breaches}}, "free_adjustments": free}
    with app.test_request_context(), force_locale("zh"):
        result = simulate(spec, read_inputs(spec, values)).result
    assert (str(result.composite), result.grade) == (composite, grade)


def test_the_top_scorer_of_the_month_earns_100_yuan(app):
    spec = _spec()
    values = {"sections": {"conduct": {"breaches": "1"}}, "ranks": {"department": 1}}
    with app.test_request_context(), force_locale("zh"):
        found = simulate(spec, read_inputs(spec, values)).outcomes
    assert [(o.rule.key, o.rule.amount, o.pending) for o in found] == [
        ("first", Decimal(100), False)
    ]


@pytest.mark.parametrize(
    ("months", "met"),
    [
        (["95", "89", "85", "88"], True),  # three months in a row under 90
        (["89", "85", "90", "80"], False),  # exactly 90 is not "<90": the run is one month
        (["80", "85"], False),
    ],
)
def test_three_months_under_90_call_for_a_dismissal_review(months, met):
    rule = _spec().domain.streaks[0]
    verdict = streak_of(rule, [CycleResult(Decimal(m), None) for m in months])
    assert (verdict.met, rule.consequence.value) == (met, "dismissal_review")


def test_a_real_month_from_the_interview_to_the_results(
    app, client, login, make_person, make_department, admin
):
    team = make_department("网销部")
    manager = make_person("王静", department=team)
    staff = [make_person(n, department=team, manager=manager) for n in ("李伟", "张敏")]
    cycle = create_cycle("month", date(2026, 11, 2), make_current=True)
    template = store_template(FAMILY)
    review = opened_review(cycle, template, [team], admin, name="2026年11月 网销考核")
    db.session.commit()
    add_adjustment(cycle, staff[0], manager, reason="收取定金 2 单", points=Decimal(2))
    db.session.commit()
    for person, breaches in zip(staff, ("3", "12"), strict=True):
        appraisal = appraisal_of(review, person)
        response = login(manager).post(
            f"/reviews/appraisals/{appraisal.id}/interview",
            data={
                "step": "result",
                "goto": "result",
                "version": str(appraisal.version),
                "indicator-conduct-breaches": breaches,
            },
        )
        assert response.status_code == 303, text(response)
    released = finalize_and_release(review, spec_of_built_in(FAMILY), staff)
    assert {n: (str(a.composite), a.grade) for n, a in released.items()} == {
        "李伟": ("99", "合格"),
        "张敏": ("88", "需努力"),
    }
    header, rows = results_table(login, admin, review)
    assert header[-1] == "月度第一名奖励现金 (yuan)"
    cells = {n: (row["Rank"], row[header[-1]]) for n, row in rows.items()}
    assert cells == {"李伟": (1, 100), "张敏": (2, None)}
    record = record_text(login, staff[0], released["李伟"])
    assert "综合得分 99 / 100 等级 合格 部门内排名 1" in record, record
    assert "月度第一名奖励现金" in record, record
