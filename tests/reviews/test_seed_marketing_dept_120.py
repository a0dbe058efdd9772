"""Seed 000's 网络营销部考核指标与评分标准表, the built-in `marketing-dept-120`, end to end: 120 points,
"达108分以上为月优秀员工、95分以上为月合格员工、80分以下为需鼓励员工"; "每月按照排名表进行奖惩:超过108分
奖励50-200元,低于65分惩处50-200元"; "连续两个月被评为需鼓励员工将被警告、三个月…取消年终奖金资格",
"连续三个月被评为前三名优秀员工将被授予“优秀员工”". The template's split is KR 70% / manager 30%
(docs/review-templates.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from okr.checkins.services import record_checkin
from okr.cycles.services import change_status, create_cycle
from okr.domain.streaks import CycleResult, streak_of
from okr.extensions import db
from okr.review_templates.simulator import read_inputs, simulate
from tests.factories import appraisal_of, fans_objective, opened_review, store_template
from tests.reviews.seed_flow import (
    finalize_and_release,
    post_interview,
    record_text,
    results_table,
    spec_of_built_in,
)

FAMILY = "marketing-dept-120"
STARS = ("results", "skills", "attitude")


@pytest.mark.parametrize(
    ("kr", "stars", "composite", "grade", "outcomes"),
    [
        # 1 × 70% × 120 = 84, 1 × 30% × 120 = 36: 120 > 108
        ("100", "5", "120", "优秀", [("above_108", "50", "200")]),
        # 0.9 × 84 = 75.6, (0.75 × 40 + 30 + 30)% × 36 = 32.4: "108分以上" reaches 优秀 at 108
        # exactly, "超过108分" does not earn the reward
        ("90", ("4", "5", "5"), "108", "优秀", []),
        ("100", "1", "84", "需努力", []),  # the band the seed leaves unnamed (80–95)
        ("75", "3", "81", "需努力", []),  # 63 + 18
        ("75", "1", "63", "需鼓励", [("below_65", "-200", "-50")]),  # "低于65分惩处"
        ("50", "3", "60", "需鼓励", [("below_65", "-200", "-50")]),
    ],
)
def test_the_month_scores_and_earns_as_the_seed_says(app, kr, stars, composite, grade, outcomes):
    spec = spec_of_built_in(FAMILY)
    ratings = dict(zip(STARS, (stars,) * 3 if isinstance(stars, str) else stars, strict=True))
    values = {"kr_percent": kr, "interview": ratings}
    with app.test_request_context(), force_locale("zh"):
        found = simulate(spec, read_inputs(spec, values))
    assert (found.result.composite, found.result.grade) == (Decimal(composite), grade)
    money = [(o.rule.key, str(o.rule.low), str(o.rule.high)) for o in found.outcomes]
    assert money == outcomes


@pytest.mark.parametrize(
    ("grades", "warned", "no_bonus"),
    [
        (["合格", "需鼓励", "需鼓励"], True, False),
        (["需鼓励", "需鼓励", "需鼓励"], True, True),
        (["需鼓励", "需努力", "需鼓励"], False, False),  # the run is broken
    ],
)
def test_months_of_encouragement_warn_then_cost_the_year_end_bonus(grades, warned, no_bonus):
    warning, bonus, _title = spec_of_built_in(FAMILY).domain.streaks
    history = [CycleResult(Decimal(70), g) for g in grades]
    assert (streak_of(warning, history).met, streak_of(bonus, history).met) == (warned, no_bonus)
    assert (warning.consequence.value, bonus.consequence.value) == ("warning", "no_year_end_bonus")


@pytest.mark.parametrize(
    ("ranks", "met"), [([2, 1, 3], True), ([1, 4, 1], False), ([None, 1, 1], False)]
)
def test_three_months_in_the_top_three_earn_the_title(ranks, met):
    rule = spec_of_built_in(FAMILY).domain.streaks[2]
    history = [CycleResult(Decimal(110), "优秀", {"department": r}) for r in ranks]
    assert (streak_of(rule, history).met, rule.consequence.value, rule.title) == (
        met,
        "title",
        "优秀员工",
    )


def test_a_real_month_from_the_check_ins_to_the_ranking_table_and_the_records(
    app, login, make_person, make_department, admin
):
    team = make_department("网络营销部")
    manager = make_person("王静", department=team)
    # name: 粉丝数 checked in (50000 -> 60000), the manager's stars
    month = {"李伟": ("60000", "5"), "张敏": ("57500", "3"), "刘洋": ("55000", "1")}
    staff = {n: make_person(n, department=team, manager=manager) for n in month}
    cycle = create_cycle("month", date(2026, 11, 2), make_current=True)
    krs = {n: fans_objective(cycle, p)[1] for n, p in staff.items()}
    change_status(cycle, "running", admin)
    for name, (fans, _stars) in month.items():
        record_checkin(krs[name], fans, "on_track", "", staff[name], None)
    review = opened_review(cycle, store_template(FAMILY), [team], admin, name="2026年11月 考核")
    db.session.commit()
    for name, (_fans, stars) in month.items():
        appraisal = appraisal_of(review, staff[name])
        post_interview(login, manager, appraisal, ratings=dict.fromkeys(STARS, stars))

    released = finalize_and_release(review, spec_of_built_in(FAMILY), staff.values())
    # 84 + 36; 0.75 × 84 = 63 + 18; 0.5 × 84 = 42 + 0
    assert {n: (a.composite, a.grade) for n, a in released.items()} == {
        "李伟": (Decimal(120), "优秀"),
        "张敏": (Decimal(81), "需努力"),
        "刘洋": (Decimal(42), "需鼓励"),
    }
    _header, rows = results_table(login, admin, review)
    paid = {
        n: (r["Rank"], r["超过108分奖励 (yuan)"], r["低于65分惩处 (yuan)"]) for n, r in rows.items()
    }
    assert paid == {
        "李伟": (1, "50…200", None),
        "张敏": (2, None, None),
        "刘洋": (3, None, "-200…-50"),
    }

    record = record_text(login, staff["刘洋"], released["刘洋"])
    assert "综合得分 42 / 120 等级 需鼓励 部门内排名 3" in record, record
    assert "低于65分惩处" in record, record
