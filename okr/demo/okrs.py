"""Demo OKRs: last quarter closed, this quarter running with weeks of check-ins.

Everything goes through the services, so the demo's numbers are computed exactly as users' are,
and everything is dated before the moment the demo is loaded (see `Story`): a week's check-ins
on its Friday afternoon, this week's only if the week has begun and only for some people.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.cycles.services import change_status, create_cycle
from okr.cycles.templates import default_template_id, template_choices
from okr.demo.story import Story
from okr.domain.periods import (
    CycleKind,
    Period,
    Week,
    period_containing,
    previous_period,
    week_start,
    weeks_of,
)
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.objectives.approval import decide_set, submit_set
from okr.objectives.models import KeyResult, Objective
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.org.models import Department, Person

D = Decimal


WORDS = ("direction", "hold_scoring", "hold_strict")


def _kr(title: str, unit: str, kind: str, weight: int, **rule: Any) -> KeyResultData:
    tiers = rule.pop("tiers", None)
    data = KeyResultData(title=title, unit=unit, kind=kind, weight=D(weight), tiers=tiers)
    for name, value in rule.items():
        setattr(data, name, value if name in WORDS else D(str(value)))
    return data


REPLY_TIERS = [
    {
        "lower": None,
        "lower_inclusive": True,
        "upper": "2500",
        "upper_inclusive": False,
        "points": "0",
    },
    {
        "lower": "2500",
        "lower_inclusive": True,
        "upper": "3000",
        "upper_inclusive": False,
        "points": "3",
    },
    {
        "lower": "3000",
        "lower_inclusive": True,
        "upper": "3500",
        "upper_inclusive": False,
        "points": "5",
    },
    {
        "lower": "3500",
        "lower_inclusive": True,
        "upper": None,
        "upper_inclusive": False,
        "points": "8",
    },
]

# email -> (objective title, team objective it aligns to (department name), key results,
#           weekly values as fractions of the way from start to target for each KR)
# Hold key results (at least / at most) score met or not met, as the seeds mean them: none of
# them gives partial credit short of a "≥ 3%" or "≤ 2处". Their edges are as the seeds write
# them: 互动率 and 活动ROI inclusive (seed 001's "平均互动率≥3%", "活动ROI≥1:5"), 文章分享率 strict
# (seed 001 writes share rates as "分享率(如>5%)"), the others (周活跃率, 48小时内解决率, 投放ROI,
# 错别字和错图 "at most 2") inclusive. A hold is checked in as a level kept every week (its share
# below), not a climb: this quarter 郑堃's 互动率 sits at exactly 3% (held: the edge is
# inclusive) and his 活动ROI at 4.8 (not held: 0); last quarter every hold ended held.
INDIVIDUAL: dict[str, tuple[str, str, list[KeyResultData], list[float]]] = {
    "lizhe@example.com": (
        "带领推广组完成流量与线索目标",
        "推广组",
        [
            _kr("推广组带来的独立访客", "人", "increase", 60, start=18000, target=30000),
            _kr("每周组内复盘会", "次", "ratio", 40, target=13),
        ],
        [0.7, 0.85],
    ),
    "zhaoyaqi@example.com": (
        "建立内容选题与质检流程",
        "内容组",
        [
            _kr("内容带来的独立访客", "人", "increase", 60, start=9000, target=15000),
            _kr("内容质检流程上线", "", "milestone", 40),
        ],
        [0.65, 1.0],
    ),
    "wuhao@example.com": (
        "社群规模和活跃度双提升",
        "社群运营组",
        [
            _kr("社群成员数", "人", "increase", 50, start=8000, target=12000),
            _kr("周活跃率", "%", "at_least", 50, target=35),
        ],
        [0.6, 0.75],
    ),
    "hejing@example.com": (
        "客服团队服务质量提升",
        "客服组",
        [
            _kr("客服满意度", "%", "increase", 50, start=90, target=96),
            _kr("48小时内解决率", "%", "at_least", 50, target=95),
        ],
        [0.55, 0.8],
    ),
    "zhangyue@example.com": (
        "提升网站自然搜索流量",
        "推广组",
        [
            _kr("自然搜索独立访客", "人", "increase", 50, start=12000, target=20000),
            _kr("核心关键词进入前10名", "个", "increase", 30, start=15, target=30),
            _kr("落地页跳出率", "%", "decrease", 20, start=65, target=50),
        ],
        [0.85, 0.7, 0.6],
    ),
    "liuyu@example.com": (
        "降低付费投放获客成本",
        "推广组",
        [
            _kr("平均点击成本", "元", "decrease", 40, start="3.5", target="2.8"),
            _kr("投放ROI", "倍", "at_least", 30, target=5),
            _kr("新建投放计划上线", "", "milestone", 30),
        ],
        [0.5, 0.9, 1.0],
    ),
    "chensiyuan@example.com": (
        "把线索变成试用注册",
        "推广组",
        [
            _kr("合格销售线索", "条", "increase", 50, start=120, target=300),
            _kr("新试用注册", "人", "ratio", 50, target=800),
        ],
        [0.55, 0.5],
    ),
    "sunshen@example.com": (
        "用内容带来流量和转化",
        "内容组",
        [
            _kr("发布深度文章", "篇", "ratio", 40, target=24),
            _kr(
                "文章阅读量积分（每1000阅读0.5分）",
                "阅读",
                "per_unit",
                30,
                start=0,
                step=1000,
                points_per_step="0.5",
                max_points=10,
                direction="up",
            ),
            _kr("文章分享率", "%", "at_least", 30, target=3, hold_strict=True),
        ],
        [0.75, 0.8, 0.9],
    ),
    "zhouxiaolin@example.com": (
        "新媒体内容零差错、高互动",
        "内容组",
        [
            _kr("错别字和错图", "处", "at_most", 30, target=2),
            _kr("公众号粉丝", "人", "increase", 70, start=30000, target=36000),
        ],
        [1.0, 0.45],
    ),
    "zhengkun@example.com": (
        "社交媒体粉丝5万到6万",
        "社群运营组",
        [
            _kr("粉丝数", "人", "increase", 30, start=50000, target=60000),
            _kr("互动率", "%", "at_least", 40, target=3),
            _kr("活动ROI", "倍", "at_least", 30, target=5),
        ],
        [0.6, 0.8, 0.7],
    ),
    "fengyutong@example.com": (
        "社群活跃度和复购",
        "社群运营组",
        [
            _kr("社群有效回复数（分档计分）", "条", "tiers", 40, tiers=REPLY_TIERS),
            _kr("社群复购率", "%", "increase", 60, start=8, target=12),
        ],
        [0.7, 0.4],
    ),
    "xujiayi@example.com": (
        "客户满意度和响应速度",
        "客服组",
        [
            _kr(
                "满意度积分（每提升1%得0.5分，最多10分）",
                "%",
                "per_unit",
                40,
                start=90,
                step=1,
                points_per_step="0.5",
                max_points=10,
                direction="up",
            ),
            _kr("平均首次响应时间", "秒", "decrease", 30, start=60, target=30),
            _kr("投诉率", "%", "decrease", 30, start=2, target=1),
        ],
        [0.6, 0.8, 0.5],
    ),
    "gaochen@example.com": (
        "客服响应更快、投诉更少",
        "客服组",
        [
            _kr("平均首次响应时间", "秒", "decrease", 50, start=75, target=35),
            _kr("投诉率", "%", "decrease", 50, start="2.5", target="1.2"),
        ],
        [0.35, 0.3],
    ),
}

# Sets still waiting for approval this quarter: 孙燊's for 赵雅琪, 何静's for 王志远.
WAITING = ("sunshen@example.com", "hejing@example.com")
# Not checked in yet this week, whatever the day: the demo employee has her check-ins to do.
NOT_THIS_WEEK = ("zhangyue@example.com",)

TEAM_OBJECTIVES = {
    "推广组": ("搜索和投放带来3万独立访客", 0),
    "内容组": ("内容带来1.5万独立访客", 0),
    "社群运营组": ("粉丝增长且互动率不低于3%", 1),
    "客服组": ("服务体验促进复购", 0),
}


def _value(kr: KeyResult, share: float) -> Decimal:
    """A plausible check-in value `share` of the way to the target (holds: at `share` 0.8)."""
    if kr.kind == "milestone":
        return D(1) if share >= 1 else D(0)
    if kr.kind == "tiers":
        return D(int(2200 + 1500 * share))
    if kr.kind == "per_unit":
        step, max_points = kr.step or D(1), kr.max_points or D(1)
        span = step * max_points / (kr.points_per_step or D(1))
        return (kr.start or D(0)) + (span * D(str(share))).quantize(D(1))
    if kr.kind in ("at_least", "at_most", "ratio"):
        target = kr.target or D(1)
        factor = D(str(0.6 + 0.5 * share)) if kr.kind != "at_most" else D(str(1.5 - share))
        value = target * factor
        return value.quantize(D("0.1")) if target < 100 else value.quantize(D(1))
    start, target = kr.start or D(0), kr.target or D(0)
    value = start + (target - start) * D(str(share))
    return value.quantize(D("0.1")) if abs(target - start) < 50 else value.quantize(D(1))


def _checkin_day(week: Week) -> date:
    """The week's Friday, or its last day when the period cuts the week short."""
    friday = week_start(week.start) + timedelta(days=4)
    return max(week.start, min(friday, week.end))


def _checkin_moment(week: Week, story: Story, number: int) -> datetime | None:
    """When person `number` checked in that week: Friday afternoon, or (this week) an hour ago.

    None when the week has not begun its working hours yet (a Monday night).
    """
    moment = story.local(_checkin_day(week), 17) - timedelta(minutes=3 * number)
    if week.start <= story.today <= week.end:
        moment = min(moment, story.now - timedelta(hours=1, minutes=3 * number))
        if moment < story.local(week.start, 9):
            return None
    return moment if moment <= story.now else None


def _quarter(
    period: Period,
    people: dict[str, Person],
    departments: dict[str, Department],
    story: Story,
    *,
    final: bool,
) -> Cycle:
    boss = people["wangzhiyuan@example.com"]
    hr = people["linhui@example.com"]
    marketing = departments["网络营销部"]
    with story.on(story.at(period.start - timedelta(days=14), 10)):
        scheme = default_template_id(template_choices())  # okr-default: its kinds are recorded
        cycle = create_cycle("quarter", period.start, make_current=not final, template_id=scheme)
        sales = create_objective(
            cycle,
            "company",
            ObjectiveData("线上销售额同比增长30%", "", D(60), None, "children"),
            boss,
            owner=boss,
        )
        brand = create_objective(
            cycle,
            "company",
            ObjectiveData("提升品牌在社交媒体的影响力", "", D(40), None, "children"),
            boss,
            owner=boss,
        )
        dept = {
            0: create_objective(
                cycle,
                "department",
                ObjectiveData("独立访问量6万、新试用注册4,000人", "", D(60), sales.id, "both"),
                boss,
                owner=boss,
                department=marketing,
            ),
            1: create_objective(
                cycle,
                "department",
                ObjectiveData("社交媒体粉丝与互动双增长", "", D(40), brand.id, "children"),
                boss,
                owner=boss,
                department=marketing,
            ),
        }
        add_key_result(
            dept[0], _kr("网站独立访客", "人", "increase", 50, start=40000, target=60000), boss
        )
        add_key_result(
            dept[0], _kr("新试用注册", "人", "increase", 50, start=2500, target=4000), boss
        )
        team_objective: dict[str, Objective] = {}
        for name, (title, parent) in TEAM_OBJECTIVES.items():
            team = departments[name]
            head = db.session.get(Person, team.head_id)
            team_objective[name] = create_objective(
                cycle,
                "department",
                ObjectiveData(title, "", D(100), dept[parent].id, "children"),
                head,
                owner=head,
                department=team,
            )
    with story.on(story.at(period.start - timedelta(days=12), 15)):
        submit_set(sales, boss)  # company OKRs pass the same checks and approval as every set
        decide_set(sales, hr, True, "")
        for objective in [dept[0], *team_objective.values()]:  # one per department set
            submit_set(objective, boss)
            decide_set(objective, hr, True, "")
    plans: list[tuple[Person, list[KeyResult], list[float]]] = []
    with story.on(story.at(period.start - timedelta(days=7), 10)):
        for email, (title, team_name, krs, shares) in INDIVIDUAL.items():
            person = people[email]
            objective = create_objective(
                cycle,
                "individual",
                ObjectiveData(title, "", D(100), team_objective[team_name].id),
                person,
                owner=person,
            )
            key_results = [add_key_result(objective, kr, person)[0] for kr in krs]
            plans.append((person, key_results, shares))
            submit_set(objective, person)
    with story.on(story.at(period.start - timedelta(days=5), 16)):
        for person, key_results, _shares in plans:
            if final or person.email not in WAITING:
                objective = db.session.get(Objective, key_results[0].objective_id)
                decide_set(objective, db.session.get(Person, person.manager_id), True, "")
    with story.on(story.at(period.start, 9)):
        change_status(cycle, "running", hr)
    weeks = [week for week in weeks_of(period) if week.start <= story.today]
    for index, week in enumerate(weeks, start=1):
        for number, (person, krs, shares) in enumerate(plans):
            this_week = week.start <= story.today <= week.end and not final
            if this_week and (number % 3 == 0 or person.email in NOT_THIS_WEEK):
                continue  # a few people have not checked in this week yet
            moment = _checkin_moment(week, story, number)
            if moment is None:
                continue
            with story.on(moment):
                for kr, share in zip(krs, shares, strict=True):
                    reach = min(1.0, share + 0.12) if final else share
                    pace = reach * index / len(weeks)
                    confidence = (
                        "on_track" if share >= 0.6 else ("at_risk" if share >= 0.4 else "off_track")
                    )
                    note = "按计划推进" if confidence == "on_track" else "进度偏慢，下周加大投入"
                    # a hold is a level kept week by week (met or not), not a climb to it
                    level = reach if kr.kind in ("at_least", "at_most") else pace
                    record_checkin(
                        kr, str(_value(kr, level)), confidence, note, person, None, now=moment
                    )
    if final:
        after = period.end + timedelta(days=1)
        with story.on(story.at(after, 9)):
            change_status(cycle, "reviewing", hr)
        with story.on(story.at(after + timedelta(days=12), 18)):
            change_status(cycle, "closed", hr)
    return cycle


def load_demo_okrs(story: Story) -> None:
    """Create last quarter (closed) and this quarter (running, its weeks so far checked in)."""
    people = {p.email: p for p in db.session.scalars(select(Person))}
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    this_quarter = period_containing(CycleKind.QUARTER, story.today)
    _quarter(previous_period(this_quarter), people, departments, story, final=True)
    current = _quarter(this_quarter, people, departments, story, final=False)
    author = people["zhaoyaqi@example.com"]
    noted = story.at(min(this_quarter.start + timedelta(days=20), story.today), 11)
    with story.on(noted):  # okr-default's kinds (seed 003), through the same checks as the form
        for email, kind, reason in (
            ("zhouxiaolin@example.com", "typo", "公众号推文出现错别字"),
            ("sunshen@example.com", "post_100k", "文章《私域运营十问》阅读超过10万"),
        ):
            add_adjustment(current, people[email], author, kind=kind, reason=reason)
