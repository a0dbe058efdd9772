"""Seed 000's 网络营销策划绩效考核方案, the built-in `marketing-planning-quarterly`, end to end: a
quarter of 策划组 from the seed's four 考核方式 (数据分析 of its six 考核指标, 口碑评价 from user and
media reviews, 团队评估 by the other members on 合作能力、创新能力、执行能力, the one-on-one on 工作情况、
工作态度) to "计算每个指标的得分", "制定个人绩效排名" and "公布考核结果和个人绩效排名" (results.xlsx),
and the record (PDF) of each result.

The seed gives no weights, points or grades; the template's (docs/review-templates.md): 数据分析
40% (six indicators of 10 points), 口碑评价 20% (two of 10), 团队评估 20%, 面谈 20%; 90/80/60."""

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
from tests.factories import appraisal_of, fill_peer_forms, opened_review, store_template
from tests.reviews.seed_flow import (
    finalize_and_release,
    post_interview,
    record_text,
    results_table,
    spec_of_built_in,
)

FAMILY = "marketing-planning-quarterly"
INDICATORS = ("brand", "product", "sales", "cost", "social", "feedback")

# name: data (six indicators), reputation (users, media), the two peers' sheets, interview
QUARTER = {
    # data 54 / 60 × 40 = 36; reputation 17 / 20 × 20 = 17; peers (0.85 + 0.75) ÷ 2 × 20 = 16;
    # interview (1 + 0.75) ÷ 2 × 20 = 17.5: 86.5, 良好
    "陈思远": (
        ("9", "9", "9", "9", "9", "9"),
        ("9", "8"),
        [
            {"cooperation": "5", "innovation": "4", "execution": "4"},
            dict.fromkeys(("cooperation", "innovation", "execution"), "4"),
        ],
        {"work": "5", "attitude": "4"},
    ),
    # 36 / 60 × 40 = 24; 13 / 20 × 20 = 13; 0.5 × 20 = 10; 0.5 × 20 = 10: 57, 不合格
    "刘畅": (
        ("6", "7", "5", "6", "7", "5"),
        ("6", "7"),
        [dict.fromkeys(("cooperation", "innovation", "execution"), "3")] * 2,
        {"work": "3", "attitude": "3"},
    ),
    # 57 / 60 × 40 = 38; 19 / 20 × 20 = 19; 1 × 20 = 20; 0.875 × 20 = 17.5: 94.5, 优秀
    "周楠": (
        ("10", "10", "9", "9", "10", "9"),
        ("10", "9"),
        [dict.fromkeys(("cooperation", "innovation", "execution"), "5")] * 2,
        {"work": "5", "attitude": "4"},
    ),
}
SCORES = {
    "陈思远": (Decimal("86.5"), "良好"),
    "刘畅": (Decimal(57), "不合格"),
    "周楠": (Decimal("94.5"), "优秀"),
}


def _inputs(name: str) -> dict:
    data, reputation, peers, interview = QUARTER[name]
    return {
        "sections": {
            "data": dict(zip(INDICATORS, data, strict=True)),
            "reputation": {"users": reputation[0], "media": reputation[1]},
        },
        "peer": peers,
        "interview": interview,
    }


@pytest.mark.parametrize("name", sorted(QUARTER))
def test_the_quarter_scores_per_indicator_in_the_simulator(app, name):
    spec = spec_of_built_in(FAMILY)
    with app.test_request_context(), force_locale("zh"):
        result = simulate(spec, read_inputs(spec, _inputs(name))).result
    assert (result.composite, result.grade) == SCORES[name]


def test_an_indicator_left_empty_leaves_the_data_analysis_missing(app):
    spec = spec_of_built_in(FAMILY)
    values = _inputs("周楠")
    del values["sections"]["data"]["cost"]
    with app.test_request_context(), force_locale("zh"):
        result = simulate(spec, read_inputs(spec, values)).result
    assert (result.composite, result.grade) == (None, None)


def test_one_peer_is_too_few_for_the_team_evaluation(app):
    spec = spec_of_built_in(FAMILY)
    values = _inputs("周楠") | {"peer": QUARTER["周楠"][2][:1]}
    with app.test_request_context(), force_locale("zh"):
        result = simulate(spec, read_inputs(spec, values)).result
    assert result.composite is None


def test_a_real_quarter_from_the_data_to_the_ranking_and_the_records(
    app, login, make_person, make_department, admin
):
    team = make_department("策划组")
    lead = make_person("孙磊", department=team)
    staff = {n: make_person(n, department=team, manager=lead) for n in QUARTER}
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    review = opened_review(cycle, store_template(FAMILY), [team], admin, name="2026 Q4 策划考核")
    db.session.commit()
    spec = spec_of_built_in(FAMILY)
    for name, person in staff.items():
        _data, _reputation, peers, interview = QUARTER[name]
        others = [p for n, p in staff.items() if n != name]  # 由团队其他成员评估
        fill_peer_forms(appraisal_of(review, person), spec, lead, others, peers)
        db.session.commit()
        values = _inputs(name)["sections"]
        post_interview(
            login, lead, appraisal_of(review, person), ratings=interview, indicators=values
        )

    released = finalize_and_release(review, spec, staff.values())
    assert {n: (a.composite, a.grade) for n, a in released.items()} == SCORES
    assert {
        n: db.session.scalar(select(ImprovementPlan.id).filter_by(appraisal_id=a.id)) is not None
        for n, a in released.items()
    } == {
        "陈思远": False,
        "刘畅": True,  # 就不足之处提出改进意见
        "周楠": False,
    }

    header, rows = results_table(login, admin, review)
    parts = ["Data analysis", "Reputation", "peer evaluation", "one-on-one interview"]
    assert sorted(header[4:8]) == sorted(parts)
    ranked = {n: (r["Rank"], r["Composite"], r["Grade"]) for n, r in rows.items()}
    assert ranked == {
        "周楠": (1, Decimal("94.5"), "优秀"),
        "陈思远": (2, Decimal("86.5"), "良好"),
        "刘畅": (3, Decimal("57"), "不合格"),
    }
    assert [rows["陈思远"][h] for h in parts] == [36, 17, 16, Decimal("17.5")]

    record = record_text(login, staff["周楠"], released["周楠"])
    for words in (
        "人员 周楠 部门 策划组",
        "综合得分 94.5 / 100 等级 优秀 部门内排名 1",
        "数据分析：10 + 10 + 9 + 9 + 10 + 9 = 57（满分 60 分）",
        "口碑评价：19 ÷ 20 × 20% × 100 = 19",
        "团队评估评价人的平均值：(1 + 1) ÷ 2 = 2 ÷ 2 = 1",
        "20 + 17.5 + 38 + 19 = 94.5",
    ):
        assert words in record, words
