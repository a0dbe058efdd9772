"""Seed 001's OKR framework as the built-in `okr-default` (KR 60%, 团队评估 20%, 面谈 20%; 90/80/60),
end to end from the seed's own key results for 社交媒体运营:

    KR1:Q3粉丝量从5万→6万(权重30%)   an `increase` from 50000 to 60000 人
    KR2:平均互动率≥3%(权重40%)        `at_least` 3 %, met or not met
    KR3:活动ROI≥1:5(权重30%)          `at_least` 5 (the return per 1 spent), met or not met

checked in during the quarter, rated by two colleagues and in the one-on-one, then finalized,
released, ranked, exported and recorded."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.cycles.services import change_status, create_cycle
from okr.extensions import db
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.reviews.models import ImprovementPlan
from tests.factories import appraisal_of, fill_peer_forms, opened_review, store_template
from tests.reviews.seed_flow import (
    finalize_and_release,
    post_interview,
    record_text,
    results_table,
    spec_of_built_in,
)

D = Decimal
FAMILY = "okr-default"
PEER = ("cooperation", "innovation", "execution")
STARS = ("results", "skills", "attitude")
SEED_KRS = (
    KeyResultData("粉丝量", "人", "increase", D(30), start=D(50000), target=D(60000)),
    KeyResultData("平均互动率", "%", "at_least", D(40), target=D(3)),
    KeyResultData("活动ROI", "倍", "at_least", D(30), target=D(5)),
)
# name: the last check-in of each KR, both colleagues' ratings, the manager's ratings
QUARTER = {
    # 0.3 × 0.7 + 0.4 × 1 + 0.3 × 0 = 0.61 × 60 = 36.6; 0.75 × 20 = 15; 0.75 × 20 = 15: 66.6
    "黄蕾": (("57000", "3.2", "4"), "4", ("4", "4", "4")),
    # 1 × 60 = 60; 1 × 20 = 20; (40 + 0.75 × 30 + 0.75 × 30)% × 20 = 17: 97
    "吴凡": (("60000", "3.5", "5"), "5", ("5", "4", "4")),
}


def test_the_seeds_key_results_score_the_quarter_end_to_end(
    app, login, make_person, make_department, admin
):
    team = make_department("社交媒体运营组")
    manager = make_person("郭峰", department=team)
    staff = {n: make_person(n, department=team, manager=manager) for n in QUARTER}
    colleague = make_person("何静", department=team, manager=manager)
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    krs = {}
    for name, person in staff.items():
        objective = create_objective(
            cycle,
            "individual",
            ObjectiveData("社交媒体影响力提升", "", D(100), None),
            person,
            owner=person,
        )
        krs[name] = [add_key_result(objective, kr, person)[0] for kr in SEED_KRS]
    change_status(cycle, "running", admin)
    for name, (values, _peer, _stars) in QUARTER.items():
        first = ("55000", "2.5", "3")  # a first check-in, superseded by the last
        for checkins in (first, values):
            for kr, value in zip(krs[name], checkins, strict=True):
                record_checkin(kr, value, "on_track", "", staff[name], None)
    review = opened_review(cycle, store_template(FAMILY), [team], admin, name="2026 Q4 OKR 考核")
    db.session.commit()
    spec = spec_of_built_in(FAMILY)
    for name, person in staff.items():
        _values, peer, stars = QUARTER[name]
        raters = [colleague] + [p for n, p in staff.items() if n != name]
        fill_peer_forms(
            appraisal_of(review, person), spec, manager, raters, dict.fromkeys(PEER, peer)
        )
        db.session.commit()
        ratings = dict(zip(STARS, stars, strict=True))
        post_interview(login, manager, appraisal_of(review, person), ratings=ratings)

    released = finalize_and_release(review, spec, staff.values())
    assert {n: (a.composite, a.grade) for n, a in released.items()} == {
        "黄蕾": (D("66.6"), "合格"),
        "吴凡": (D(97), "优秀"),
    }
    planned = {
        n
        for n, a in released.items()
        if db.session.scalar(select(ImprovementPlan.id).filter_by(appraisal_id=a.id))
    }
    assert planned == {"黄蕾"}

    _header, rows = results_table(login, admin, review)
    parts = ("key-result attainment", "peer evaluation", "one-on-one interview")
    assert {n: [r[p] for p in parts] + [r["Rank"]] for n, r in rows.items()} == {
        "吴凡": [60, 20, 17, 1],
        "黄蕾": [D("36.6"), 15, 15, 2],
    }

    record = record_text(login, staff["黄蕾"], released["黄蕾"])
    assert "综合得分 66.6 / 100 等级 合格 部门内排名 2" in record, record
    # each KR with its attainment and its weighted score of the objective
    assert re.search(r"粉丝量 .*?70% 21 / 30", record), record
    assert re.search(r"平均互动率 .*?100% 40 / 40", record), record
    assert re.search(r"活动ROI .*?0% 0 / 30", record), record
