"""The one world builder of the tests: companies, cycles, OKRs and reviews built through the services.

Test modules import their worlds from here (never from each other); request and HTML helpers are in
tests/helpers.py. A world is put together from the building blocks below, so that it states only what
is its own. People come from the conftest's make_person and make_department, which commit each row;
the other blocks flush and never commit, so a world (or its test) commits where it always has."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select

from okr.appraisals.services import assign_rater, save_interview, save_self_assessment
from okr.calibration.ranks import department_ranks
from okr.calibration.results import finalize, release
from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.cycles.services import change_status, create_cycle
from okr.db import dated, local_date, utcnow
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.objectives.models import Adjustment, KeyResult, Objective
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.org.models import Department, Person
from okr.peer_reviews.services import save_peer_form
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementItem,
    ImprovementPlan,
    Review,
    ReviewTemplate,
)
from okr.reviews.services import breakdown, open_review, spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.format import TemplateSpec

# The default scheme's criteria: the self-assessment and interview sheet, and the peers' form.
SHEET_KEYS = ("results", "skills", "attitude")
PEER_KEYS = ("cooperation", "innovation", "execution")


def today() -> date:
    return local_date(utcnow())


def rate(**values: str) -> dict[str, str]:
    return {f"rating-{k}": v for k, v in values.items()}


# People ----------------------------------------------------------------------------------


class Promotion(NamedTuple):
    """网络营销部 headed by 王志远, and its 推广组 led by 李喆, who reports to him."""

    marketing: Department
    team: Department
    head: Person
    lead: Person
    seo: Person | None  # 张玥 (SEO专员) of 推广组, unless left out


def promotion_team(make_department, make_person, *, seo: bool = True) -> Promotion:
    marketing = make_department("网络营销部")
    team = make_department("推广组", parent=marketing)
    head = make_person("王志远", department=marketing)
    lead = make_person("李喆", department=team, manager=head)
    specialist = (
        make_person("张玥", department=team, manager=lead, position="SEO专员") if seo else None
    )
    marketing.head_id, team.head_id = head.id, lead.id
    return Promotion(marketing, team, head, lead, specialist)


class Care(NamedTuple):
    """客服组: 何静 leads it, 许嘉怡 (客服) reports to her."""

    team: Department
    lead: Person
    agent: Person


def care_team(make_department, make_person, *, parent=None, head=None) -> Care:
    """客服组, under `parent` if given, its lead 何静 reporting to `head` if given."""
    team = make_department("客服组", parent=parent)
    lead = make_person("何静", department=team, manager=head)
    agent = make_person("许嘉怡", department=team, manager=lead, position="客服")
    team.head_id = lead.id
    return Care(team, lead, agent)


class Community(NamedTuple):
    """社群运营组: 郑堃 and his peers 冯雨桐 and 何静 report to 吴昊; 林慧 (HR) is elsewhere."""

    team: Department
    manager: Person
    person: Person
    peers: list[Person]
    hr: Person


def community_team(make_department, make_person) -> Community:
    team = make_department("社群运营组")
    manager = make_person("吴昊", department=team)
    person = make_person("郑堃", department=team, manager=manager)
    peers = [make_person(n, department=team, manager=manager) for n in ("冯雨桐", "何静")]
    hr = make_person("林慧", is_admin=True)
    return Community(team, manager, person, peers, hr)


# Cycles and OKRs -------------------------------------------------------------------------


def cycle_row(
    label: str,
    start: date,
    end: date,
    status: str = "planning",
    *,
    kind: str = "quarter",
    current: bool = False,
) -> Cycle:
    """A cycle stored as is, past the services' checks (flushed: it has an id)."""
    cycle = Cycle(kind=kind, label=label, start=start, end=end, status=status, is_current=current)
    db.session.add(cycle)
    db.session.flush()
    return cycle


def q4_cycle(status: str = "planning") -> Cycle:
    """2026 Q4 (1 October to 31 December), the current cycle, in the given status."""
    return cycle_row("2026 Q4", date(2026, 10, 1), date(2026, 12, 31), status, current=True)


def approved_objective(
    cycle, title, level, owner, *, parent=None, department=None, weight="100", rule="own_krs"
) -> Objective:
    """An objective stored as approved, past the services' checks (flushed: it has an id)."""
    objective = Objective(
        cycle_id=cycle.id,
        level=level,
        title=title,
        owner_id=owner.id,
        department_id=department.id if department is not None else None,
        parent_id=parent.id if parent is not None else None,
        weight=Decimal(weight),
        progress_rule=rule,
        status="approved",
    )
    db.session.add(objective)
    db.session.flush()
    return objective


def kr_row(
    objective, title, weight="100", start=None, target=None, *, kind="increase", unit=""
) -> KeyResult:
    """A key result stored as is, past the services' checks (flushed: it has an id)."""
    kr = KeyResult(
        objective_id=objective.id,
        title=title,
        kind=kind,
        weight=Decimal(weight),
        start=None if start is None else Decimal(start),
        target=None if target is None else Decimal(target),
        unit=unit,
    )
    db.session.add(kr)
    db.session.flush()
    return kr


def draft_objective(
    cycle, owner, title, *, level="individual", parent=None, department=None, weight=100
) -> Objective:
    """An objective as its owner writes it: a draft, through the service and its checks."""
    data = ObjectiveData(title, "", Decimal(weight), parent.id if parent is not None else None)
    return create_objective(cycle, level, data, owner, owner=owner, department=department)


def fans_objective(cycle, person, title: str = "粉丝增长") -> tuple[Objective, KeyResult]:
    """The person's own individual objective with one key result: 粉丝数 from 50000 to 60000 人."""
    objective = draft_objective(cycle, person, title)
    kr, _warnings = add_key_result(
        objective,
        KeyResultData(
            "粉丝数", "人", "increase", Decimal(100), start=Decimal(50000), target=Decimal(60000)
        ),
        person,
    )
    return objective, kr


def running_quarter(
    day: date,
    person: Person,
    hr: Person,
    *,
    title: str = "粉丝增长",
    checkins: Sequence[tuple[str, str]] = (("55000", "on_track"),),
) -> tuple[Cycle, Objective, KeyResult]:
    """The current quarter of `day` with the person's fans objective, started by HR and then
    checked in by the person (value, confidence) in order."""
    cycle = create_cycle("quarter", day, make_current=True)
    objective, kr = fans_objective(cycle, person, title)
    change_status(cycle, "running", hr)
    for value, confidence in checkins:
        record_checkin(kr, value, confidence, "", person, None)
    return cycle, objective, kr


def typo_deduction(cycle, person, author) -> Adjustment:
    """The scoring examples' deduction: one 错别字 (typo, okr-default's kind), −0.5 points."""
    adjustment = Adjustment(
        cycle_id=cycle.id,
        person_id=person.id,
        kind="typo",
        count=1,
        points=Decimal("-0.5"),
        reason="错别字",
        author_id=author.id,
    )
    db.session.add(adjustment)
    return adjustment


# Reviews ---------------------------------------------------------------------------------


def store_template(family: str = "okr-default", **kw) -> ReviewTemplate:
    """A built-in scheme stored as a template (under its built-in name unless `name` is given)."""
    template = ReviewTemplate(
        family=family,
        version=kw.pop("version", 1),
        name=kw.pop("name", BUILT_IN[family]["name"]),
        spec=BUILT_IN[family],
        built_in=True,
        **kw,
    )
    db.session.add(template)
    db.session.flush()
    return template


def opened_review(
    cycle: Cycle,
    template: ReviewTemplate,
    teams: Sequence[Department],
    hr: Person,
    *,
    name: str = "2026 Q4 考核",
    day: date | None = None,
    days: tuple[int, int, int] = (0, 3, 7),
) -> Review:
    """HR opens a review of the teams; its three deadlines fall `days` after `day` (or today)."""
    start = day or date.today()
    first, second, third = (start + timedelta(days=n) for n in days)
    return open_review(name, cycle, template, [t.id for t in teams], (first, second, third), hr)


def appraisal_of(review: Review, person: Person) -> Appraisal:
    return db.session.scalar(
        select(Appraisal).where(Appraisal.person_id == person.id, Appraisal.review_id == review.id)
    )


def self_assess(appraisal, spec, ratings: dict[str, str], reflection: str = "") -> None:
    """The person submits the self-assessment: a rating by criterion and a reflection."""
    save_self_assessment(appraisal, spec, rate(**ratings), reflection, True, None)


def fill_peer_forms(
    appraisal,
    spec,
    manager: Person,
    raters: Sequence[Person],
    ratings: dict[str, str] | Sequence[dict[str, str]],
) -> None:
    """The manager asks each rater, who submits the form: one set of ratings for all, or one each."""
    sheets = [ratings] * len(raters) if isinstance(ratings, dict) else ratings
    for rater, sheet in zip(raters, sheets, strict=True):
        form = assign_rater(appraisal, rater, manager)
        save_peer_form(form, appraisal, spec, rate(**sheet), "", True, None)


def interview_with(
    appraisal,
    spec,
    ratings: dict[str, str],
    notes: dict[str, str] | None = None,
    *,
    complete: bool = True,
) -> None:
    """The manager's one-on-one: a rating by criterion, and notes (purpose 季度回顾 unless given)."""
    notes = {"purpose": "季度回顾"} if notes is None else notes
    save_interview(appraisal, spec, rate(**ratings), notes, "", complete, None)


# The quarter of 推广组 (OKRs) -------------------------------------------------------------


@dataclass
class Quarter:
    """推广组 in 网络营销部: 张玥 (SEO) reports to 李喆, who reports to 王志远; 2026 Q4 running."""

    cycle: Cycle
    boss: Person
    lead: Person
    seo: Person
    peer: Person
    other_lead: Person
    company: Objective
    department: Objective
    mine: Objective
    launch: Objective
    traffic: KeyResult
    pages: KeyResult
    milestone: KeyResult


def build_quarter(make_department, make_person) -> Quarter:
    """The cascade company -> 推广组 -> 张玥 with three key results, nothing checked in yet."""
    marketing, team, boss, lead, seo = promotion_team(make_department, make_person)
    peer = make_person("赵敏", department=team, manager=lead, position="SEO专员")
    content = make_department("内容组", parent=marketing)
    other_lead = make_person("陈刚", department=content)
    make_person("周婷", department=content, manager=other_lead)
    content.head_id = other_lead.id
    cycle = q4_cycle("running")
    company = approved_objective(cycle, "Q4 线上销售额增长30%", "company", boss, rule="children")
    department = approved_objective(
        cycle, "独立访问量达6万", "department", lead, parent=company, department=team, rule="both"
    )
    mine = approved_objective(
        cycle,
        "提升自然搜索流量",
        "individual",
        seo,
        parent=department,
        department=team,
        weight="70",
    )
    launch = approved_objective(
        cycle, "上线新站点", "individual", seo, department=team, weight="30"
    )
    traffic = kr_row(mine, "自然流量", "60", "40000", "60000", unit="次")
    pages = kr_row(mine, "收录页面", "40", "100", "300")
    milestone = kr_row(launch, "新站点上线", kind="milestone")
    db.session.commit()
    return Quarter(
        cycle,
        boss,
        lead,
        seo,
        peer,
        other_lead,
        company,
        department,
        mine,
        launch,
        traffic,
        pages,
        milestone,
    )


# The review of 社群运营组 -----------------------------------------------------------------


@dataclass
class World:
    hr: Person
    director: Person
    manager: Person
    person: Person
    peers: list[Person]
    colleague: Person
    other_manager: Person
    other_report: Person
    marketing: Department
    team: Department
    other_team: Department
    cycle: Cycle
    template: ReviewTemplate
    review: Review
    appraisal: Appraisal
    objective: Objective
    kr: KeyResult

    @property
    def spec(self) -> TemplateSpec:
        return spec_of(self.template)

    def appraisal_of(self, person: Person) -> Appraisal:
        return appraisal_of(self.review, person)


def build_world(make_person, make_department, family: str = "okr-default") -> World:
    """A running cycle with one objective for the person, and a review opened for two teams."""
    marketing = make_department("网络营销部")
    team = make_department("社群运营组", parent=marketing)
    other_team = make_department("SEO组", parent=marketing)
    hr_team = make_department("人事部")
    hr = make_person("林慧", department=hr_team, is_admin=True)
    director = make_person("周总", department=marketing)
    manager = make_person("吴昊", department=team, manager=director)
    person = make_person("郑堃", department=team, manager=manager)
    peers = [make_person(n, department=team, manager=manager) for n in ("冯雨桐", "何静")]
    colleague = make_person("孙悦", department=team, manager=manager)
    other_manager = make_person("钱峰", department=other_team, manager=director)
    other_report = make_person("赵敏", department=other_team, manager=other_manager)
    cycle, objective, kr = running_quarter(today(), person, hr)
    template = store_template(family)
    review = opened_review(cycle, template, [team, other_team], hr, day=today(), days=(3, 5, 7))
    db.session.commit()
    world = World(
        hr,
        director,
        manager,
        person,
        peers,
        colleague,
        other_manager,
        other_report,
        marketing,
        team,
        other_team,
        cycle,
        template,
        review,
        None,  # type: ignore[arg-type]
        objective,
        kr,
    )
    world.appraisal = world.appraisal_of(person)
    return world


def peer_rate(world: World, rater, **ratings) -> None:
    fill_peer_forms(world.appraisal, world.spec, world.manager, [rater], ratings)
    db.session.commit()


def complete_and_release(world: World) -> None:
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    interview_world(world)
    finalize(world.appraisal, world.spec)
    release(world.review, world.spec)
    db.session.commit()


def interview_world(world: World) -> None:
    """The manager's interview of the world's person (4, 4, 3)."""
    interview_with(world.appraisal, world.spec, {"results": "4", "skills": "4", "attitude": "3"})
    db.session.commit()


# Companies of many teams -----------------------------------------------------------------

INTERVIEW_KEYS = ("sales", "promotion", "ads", "online", "care")


def interview_only_spec(**changes: object) -> dict:
    """The seed's specialist sheet (interview 100%, criteria on 0..100): composite = the rating."""
    spec = copy.deepcopy(BUILT_IN["marketing-specialist"])
    spec["quotas"] = {"优秀": "0.2"}
    spec.update(changes)
    return spec


@dataclass
class Org:
    hr: Person
    teams: list[Department]
    managers: list[Person]
    staff: list[Person]  # everyone appraised who is not a manager, team by team
    template: ReviewTemplate
    spec: TemplateSpec
    cycles: list[Cycle] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)

    def appraisal(self, person: Person, review: Review | None = None) -> Appraisal:
        return appraisal_of(review or self.reviews[-1], person)


def build_org(
    make_person, make_department, *, teams=1, managers=1, per_manager=2, spec=None, tag=""
):
    """Teams each with managers, each manager with reports; a template (not yet in a review)."""
    hr = make_person(f"林慧{tag}", is_admin=True)
    departments, bosses, staff = [], [], []
    for t in range(teams):
        team = make_department(f"推广{tag}{t + 1}组")
        departments.append(team)
        for m in range(managers):
            boss = make_person(f"经理{t + 1}-{m + 1}", department=team)
            bosses.append(boss)
            staff += [
                make_person(f"员工{t + 1}-{m + 1}-{i + 1}", department=team, manager=boss)
                for i in range(per_manager)
            ]
    data = spec or interview_only_spec()
    template = ReviewTemplate(family=f"test{tag}", version=1, name="test", spec=data)
    db.session.add(template)
    db.session.commit()
    return Org(hr, departments, bosses, staff, template, spec_of(template))


def open_cycle_review(org: Org, day: date = date(2026, 11, 21)) -> Review:
    """A quarter with a review of every team (appraisals for managers and staff alike)."""
    cycle = create_cycle("quarter", day, make_current=True)
    review = opened_review(cycle, org.template, org.teams, org.hr, name=f"{cycle.label} 考核")
    db.session.commit()
    org.cycles.append(cycle)
    org.reviews.append(review)
    return review


def rated_and_final(org: Org, person: Person, rating: str, review: Review | None = None):
    appraisal = org.appraisal(person, review)
    interview(org, appraisal, rating)
    finalize(appraisal, org.spec)
    db.session.commit()
    return appraisal


def interview(org: Org, appraisal: Appraisal, rating: str | dict[str, str]) -> None:
    """The manager's one-on-one ratings (every criterion the same unless a dict is given)."""
    values = rating if isinstance(rating, dict) else dict.fromkeys(INTERVIEW_KEYS, rating)
    interview_with(appraisal, org.spec, values)
    db.session.commit()


def okr_default_org(make_person, make_department, admin_cycle_day=date(2026, 11, 21)):
    """The default scheme with a real KR, two peers and an interview for one person."""
    team, manager, person, peers, hr = community_team(make_department, make_person)
    cycle, _objective, kr = running_quarter(admin_cycle_day, person, hr)
    template = store_template(name="默认")
    review = opened_review(cycle, template, [team], hr)
    db.session.commit()
    org = Org(
        hr, [team], [manager], [person, *peers], template, spec_of(template), [cycle], [review]
    )
    appraisal = org.appraisal(person)
    fill_peer_forms(
        appraisal,
        org.spec,
        manager,
        peers,
        [
            {"cooperation": "2", "innovation": "4", "execution": "5"},
            {"cooperation": "3", "innovation": "5", "execution": "5"},
        ],
    )
    interview_with(appraisal, org.spec, {"results": "4", "skills": "2", "attitude": "4"})
    db.session.commit()
    return org, person, kr


def varied_review(
    make_person, make_department, *, people: int = 30, day: date = date(2026, 11, 21), tag=""
) -> Org:
    """A review of `people` (teams of ten: a manager and nine) on the default scheme, every
    appraisal different: one or two objectives with weak and attained key results, two, one or
    no submitted peer forms, an interview or none, bonuses and deductions. Some are complete
    (plan grades among them) and some are not."""
    hr = make_person(f"林慧{tag}", is_admin=True)
    teams, managers, staff = [], [], []
    for t in range(max(1, people // 10)):
        team = make_department(f"混合{tag}{t + 1}组")
        boss = make_person(f"经理{tag}{t + 1}", department=team)
        teams.append(team)
        managers.append(boss)
        staff += [
            make_person(f"员工{tag}{t + 1}-{i + 1}", department=team, manager=boss)
            for i in range(9)
        ]
    template = ReviewTemplate(
        family=f"varied{tag}", version=1, name="默认", spec=BUILT_IN["okr-default"]
    )
    db.session.add(template)
    db.session.flush()
    org = Org(hr, teams, managers, staff, template, spec_of(template))
    cycle = create_cycle("quarter", day, make_current=True)
    everyone = sorted([*managers, *staff], key=lambda p: p.id)
    krs = {p.id: _varied_objectives(cycle, p, i) for i, p in enumerate(everyone)}
    change_status(cycle, "running", hr)
    for i, person in enumerate(everyone):
        for n, kr in enumerate(krs[person.id]):
            value = i % 2 if kr.kind == "milestone" else (i * 37 + n * 11) % 130
            record_checkin(kr, str(value), "on_track", "", person, None)
    review = open_review(
        f"{cycle.label} 考核{tag}",
        cycle,
        template,
        [t.id for t in teams],
        (date.today(), date.today() + timedelta(days=3), date.today() + timedelta(days=7)),
        hr,
    )
    db.session.commit()
    org.cycles.append(cycle)
    org.reviews.append(review)
    for i, person in enumerate(everyone):
        _varied_inputs(
            org, cycle, person, i, [p for p in everyone if p.department_id == person.department_id]
        )
    return org


def _varied_objectives(cycle: Cycle, person: Person, i: int) -> list[KeyResult]:
    """None for every tenth person; else one objective, or two (60/40) for every third."""
    if i % 10 == 9:
        return []
    weights = ("60", "40") if i % 3 == 0 else ("100",)
    krs = []
    for n, weight in enumerate(weights):
        objective = create_objective(
            cycle,
            "individual",
            ObjectiveData(f"目标{n + 1}", "", Decimal(weight), None),
            person,
            owner=person,
        )
        sizes = (("销售额", "70"), ("新客户", "30")) if n == 0 else (("上线", "100"),)
        for title, kr_weight in sizes:
            kind = "milestone" if title == "上线" else "increase"
            kr, _warnings = add_key_result(
                objective,
                KeyResultData(
                    title,
                    "" if kind == "milestone" else "个",
                    kind,
                    Decimal(kr_weight),
                    start=None if kind == "milestone" else Decimal(0),
                    target=None if kind == "milestone" else Decimal(100),
                ),
                person,
            )
            krs.append(kr)
    db.session.commit()
    return krs


def _varied_inputs(org: Org, cycle: Cycle, person: Person, i: int, team: list[Person]) -> None:
    """Peer forms (two, or one short of the minimum), the interview (or none), adjustments."""
    appraisal = org.appraisal(person)
    boss = next((p for p in org.managers if p.department_id == person.department_id), org.hr)
    others = [p for p in team if p.id != person.id]
    raters = 1 if i % 7 == 3 else 2
    for n, rater in enumerate(others[(i + k) % len(others)] for k in range(raters)):
        form = assign_rater(appraisal, rater, boss)
        ratings = rate(
            cooperation=str(1 + (i + n) % 5),
            innovation=str(1 + (i * 2 + n) % 5),
            execution=str(1 + (i * 3 + n) % 5),
        )
        save_peer_form(form, appraisal, org.spec, ratings, "", i % 11 != 4, None)
    if i % 8 != 6:
        ratings = rate(
            results=str(1 + i % 5), skills=str(1 + (i * 3) % 5), attitude=str(1 + (i * 2) % 5)
        )
        save_interview(appraisal, org.spec, ratings, {"purpose": "季度回顾"}, "", True, None)
    if i % 4 == 1:
        add_adjustment(cycle, person, org.hr, kind="post_100k", reason="《双11攻略》阅读超10万")
    if i % 5 == 2:
        add_adjustment(cycle, person, org.hr, kind="typo", reason="推文错别字")
        add_adjustment(cycle, person, org.hr, kind="duplicate_post", reason="活动重复发布")
    if i % 6 == 3:
        add_adjustment(
            cycle, person, org.hr, kind="major_error", points=Decimal(-2), reason="报价单出错"
        )
    db.session.commit()


def stored_results(review: Review) -> dict[str, Any]:
    """Every row finalizing and releasing write, read from the database (not the session)."""
    db.session.flush()
    appraisals = {
        row.id: dict(row._mapping)
        for row in db.session.execute(
            select(Appraisal.__table__).where(Appraisal.review_id == review.id)
        )
    }
    plans: dict[int, dict[str, Any]] = {}
    for plan in db.session.execute(
        select(ImprovementPlan.__table__).where(ImprovementPlan.appraisal_id.in_(appraisals))
    ):
        items = db.session.execute(
            select(ImprovementItem.__table__)
            .where(ImprovementItem.plan_id == plan.id)
            .order_by(ImprovementItem.id)
        )
        plans[plan.appraisal_id] = {
            **{k: v for k, v in plan._mapping.items() if k != "id"},
            "items": [
                {k: v for k, v in i._mapping.items() if k not in ("id", "plan_id")} for i in items
            ],
        }
    changes = [
        {k: v for k, v in c._mapping.items()}
        for c in db.session.execute(select(CalibrationChange.__table__))
    ]
    status = db.session.scalar(select(Review.status).where(Review.id == review.id))
    return {"appraisals": appraisals, "plans": plans, "changes": changes, "status": status}


def one_at_a_time(org: Org, moment: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The per-appraisal path, to compare the batched one with: `finalize` each complete open
    appraisal in turn, then rank each finalized one and release it (`moment`); what is stored
    after each step (flushed, not committed)."""
    review = org.reviews[-1]
    with dated(moment):
        for appraisal in db.session.scalars(
            select(Appraisal).where(Appraisal.review_id == review.id).order_by(Appraisal.id)
        ):
            if breakdown(appraisal, org.spec).complete:
                finalize(appraisal, org.spec)
    finalized = stored_results(review)
    done = list(
        db.session.scalars(
            select(Appraisal).where(
                Appraisal.review_id == review.id, Appraisal.finalized_at.is_not(None)
            )
        )
    )
    ranks = department_ranks(review, {a.department_id for a in done})
    for appraisal in done:
        appraisal.rank = ranks.get(appraisal.id)
        if appraisal.released_at is None:
            appraisal.released_at = moment
    db.session.get(Review, review.id).status = "released"
    return finalized, stored_results(review)


# Growing a world (query counts at two sizes) ----
#
# tests/test_page_queries.py counts each page's SQL statements on a world, grows the world with
# these functions and counts again: more people in the same teams (with OKRs, check-ins,
# appraisals and peer forms in the same review), more departments, more quarters of history.


def okr_set(
    cycle: Cycle,
    owner: Person,
    actor: Person,
    *,
    level: str = "individual",
    parent: Objective | None = None,
    department: Department | None = None,
) -> tuple[Objective, list[KeyResult]]:
    """One objective (100 %) with two key results, in a cycle being planned."""
    objective = create_objective(
        cycle,
        level,
        ObjectiveData(f"{owner.name}：拓展客户", "", Decimal(100), parent.id if parent else None),
        actor,
        owner=owner,
        department=department,
    )
    customers, _ = add_key_result(
        objective,
        KeyResultData(
            "新增客户", "个", "increase", Decimal(60), start=Decimal(0), target=Decimal(20)
        ),
        actor,
    )
    complaints, _ = add_key_result(
        objective,
        KeyResultData(
            "投诉数", "件", "decrease", Decimal(40), start=Decimal(10), target=Decimal(2)
        ),
        actor,
    )
    return objective, [customers, complaints]


def replan(cycle: Cycle, actor: Person) -> str:
    """Reopen a cycle for planning (a recorded step back) so objectives can be added; returns
    the status to go forward to again with `resume`."""
    status = cycle.status
    if status != "planning":
        change_status(cycle, "planning", actor, "新同事加入，补充OKR")
    return status


def resume(cycle: Cycle, status: str, actor: Person) -> None:
    """Move a cycle forward step by step to the status it had."""
    order = ("planning", "running", "reviewing", "closed")
    while order.index(cycle.status) < order.index(status):
        change_status(cycle, order[order.index(cycle.status) + 1], actor)


def check_in_all(krs: list[KeyResult], author: Person, share: Decimal, at=None) -> None:
    """A check-in on each key result at `share` of the way from its start to its target."""
    for kr in krs:
        value = kr.start + (kr.target - kr.start) * share
        record_checkin(kr, str(value), "on_track", "本周进展", author, None, at)


def appraised(world: World) -> list[Person]:
    """Everyone active in the world's two reviewed teams, oldest first."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.active, Person.department_id.in_([world.team.id, world.other_team.id]))
            .order_by(Person.id)
        )
    )


def complete(
    appraisal: Appraisal, spec: TemplateSpec, raters: list[Person], actor: Person, score: str
) -> None:
    """Two submitted peer forms and a finished interview, every criterion rated `score`."""
    for rater in raters:
        form = assign_rater(appraisal, rater, actor)
        peer = rate(cooperation=score, innovation=score, execution=score)
        save_peer_form(form, appraisal, spec, peer, "", True, None)
    ratings = rate(results=score, skills=score, attitude=score)
    save_interview(appraisal, spec, ratings, {"purpose": "季度回顾"}, "", True, None)


def released_quarter(world: World, day: date, low: tuple[Person, ...] = ()) -> Review:
    """A closed quarter of the world's teams before its own: OKRs checked in, a review with two
    peer forms and an interview for everyone, finalized and released; `low` people score under
    the plan grades (an improvement plan is drafted for them), the others well."""
    from datetime import UTC, datetime, time

    hr, spec = world.hr, world.spec
    cycle = create_cycle("quarter", day)
    people = appraised(world)
    lows = {p.id for p in low}
    krs = {p.id: okr_set(cycle, p, hr)[1] for p in people}
    change_status(cycle, "running", hr)
    at = datetime.combine(cycle.end, time(4), tzinfo=UTC)
    for p in people:
        check_in_all(krs[p.id], p, Decimal("0.3" if p.id in lows else "1"), at)
    review = open_review(
        f"{cycle.label} 考核",
        cycle,
        world.template,
        [world.team.id, world.other_team.id],
        (today(), today() + timedelta(days=3), today() + timedelta(days=7)),
        hr,
    )
    for n, p in enumerate(people):
        appraisal = appraisal_in(review, p)
        raters = [people[(n + 1) % len(people)], people[(n + 2) % len(people)]]
        complete(appraisal, spec, raters, hr, "2" if p.id in lows else "5")
        finalize(appraisal, spec)
    release(review, spec)
    change_status(cycle, "reviewing", hr)
    change_status(cycle, "closed", hr)
    db.session.commit()
    return review


def appraisal_in(review: Review, person: Person) -> Appraisal:
    return db.session.scalars(
        select(Appraisal).where(Appraisal.review_id == review.id, Appraisal.person_id == person.id)
    ).one()


def department_objective(cycle: Cycle, department: Department) -> Objective | None:
    """The department's first objective in the cycle."""
    return db.session.scalars(
        select(Objective)
        .where(
            Objective.cycle_id == cycle.id,
            Objective.level == "department",
            Objective.department_id == department.id,
        )
        .order_by(Objective.id)
    ).first()


def grow_world(world: World, make_person, make_department, *, people: int = 52) -> None:
    """More of everything the world's pages show, past one page of every list (50 rows).

    Earlier quarters, new departments, `people` newcomers in the world's team (and three in
    its other team) with OKRs, check-ins and appraisals in its review, and more of what HR
    keeps: plan items, signed-in browsers, record batches, templates, rows of uploads."""
    earlier_quarters(world)
    newcomers = grow_okrs(world, make_person, make_department, people)
    grow_review(world, newcomers)
    grow_records(world, newcomers)
    db.session.commit()


def earlier_quarters(world: World, reviewed: int = 1, older: int = 4) -> None:
    """Before the first cycle: `reviewed` quarters of the world's teams as they were (the person
    low in each, see released_quarter), and `older` quarters closed without a review."""
    for n in range(reviewed + older):
        first = db.session.scalars(select(Cycle).order_by(Cycle.start)).first()
        day = first.start - timedelta(days=1)
        if n < reviewed:
            released_quarter(world, day, low=(world.person,))
        else:
            resume(create_cycle("quarter", day), "closed", world.hr)


def grow_okrs(
    world: World, make_person, make_department, people: int, with_okrs: int = 12
) -> list[Person]:
    """More objectives in the world's cycle: the company's, the team's, a second one of the
    person's; two new departments under the world's, the second below the first, each with a
    head and a member and their OKRs; `people` newcomers reporting to the world's manager (the
    first `with_okrs` of them with OKRs aligned to the team's, the last one deactivated) and
    three to the other team's (with OKRs). Everyone's key results are checked in once, the
    team's first key result past one page of its log (20). Cycles being planned get three more
    company objectives. Returns the newcomers of both teams."""
    from okr.org.services import set_active

    hr, cycle = world.hr, world.cycle
    status = replan(cycle, hr)
    company = db.session.scalars(
        select(Objective)
        .where(Objective.cycle_id == cycle.id, Objective.level == "company")
        .order_by(Objective.id)
    ).first()
    krs: dict[int, list[KeyResult]] = {}
    for _n in range(2):
        krs[world.director.id] = okr_set(cycle, world.director, hr, level="company")[1]
    team = {"level": "department", "department": world.team}
    krs[world.manager.id] = okr_set(cycle, world.manager, world.manager, **team)[1]
    krs[world.person.id] = okr_set(cycle, world.person, world.person)[1]
    above, boss = world.marketing, world.director
    for n in range(2):
        department = make_department(f"新业务{n + 1}组", parent=above)
        head = make_person(f"新组长{n + 1}", department=department, manager=boss)
        department.head_id = head.id
        own = {"level": "department", "department": department, "parent": company}
        objective, krs[head.id] = okr_set(cycle, head, head, **own)
        member = make_person(f"新组员{n + 1}", department=department, manager=head)
        krs[member.id] = okr_set(cycle, member, member, parent=objective)[1]
        above, boss, company = department, head, objective  # the next one a level below
    newcomers = [
        make_person(f"新同事{n + 1:02d}", department=world.team, manager=world.manager)
        for n in range(people)
    ]
    others = [
        make_person(f"新客服{n + 1}", department=world.other_team, manager=world.other_manager)
        for n in range(3)
    ]
    for person in [*newcomers[:with_okrs], *others]:
        parent = department_objective(cycle, db.session.get_one(Department, person.department_id))
        krs[person.id] = okr_set(cycle, person, person, parent=parent)[1]
    resume(cycle, status, hr)
    for owner_id, owned in krs.items():
        check_in_all(owned, db.session.get_one(Person, owner_id), Decimal("0.5"))
    team_objective = department_objective(cycle, world.team)
    if team_objective is not None:
        kr = db.session.scalars(
            select(KeyResult)
            .where(KeyResult.objective_id == team_objective.id)
            .order_by(KeyResult.position, KeyResult.id)
        ).first()
        for n in range(21):
            value = kr.start + (kr.target - kr.start) * Decimal(n + 1) / 40
            record_checkin(kr, str(value), "at_risk", f"第{n + 1}次", world.manager, None)
    for planned in db.session.scalars(select(Cycle).where(Cycle.status == "planning")):
        for _n in range(3):
            okr_set(planned, world.director, hr, level="company")
    set_active(newcomers[-1], False, None, hr)
    return [*newcomers, *others]


def grow_review(world: World, newcomers: list[Person]) -> None:
    """The newcomers appraised in the world's open review (as opening it would have done): four
    finished and finalized, two rated by the world's person, four asked to rate the world's
    colleague (two of them submitted); three more deductions for the person."""
    from okr.objectives.adjustments import add_adjustment

    spec = world.spec
    db.session.add_all(
        Appraisal(
            review_id=world.review.id,
            person_id=p.id,
            manager_id=p.manager_id,
            department_id=p.department_id,
            self_ratings={},
            interview_ratings={},
            interview_notes={},
        )
        for p in newcomers
    )
    db.session.flush()
    for n, person in enumerate(newcomers[:6]):
        appraisal = world.appraisal_of(person)
        if n < 4:
            complete(appraisal, spec, newcomers[n + 1 : n + 3], world.manager, str(2 + n))
            finalize(appraisal, spec)
        else:
            assign_rater(appraisal, world.person, world.manager)
    colleague = world.appraisal_of(world.colleague)
    for n, rater in enumerate(newcomers[10:14]):
        form = assign_rater(colleague, rater, world.manager)
        if n % 2 == 0:
            peer = rate(cooperation="4", innovation="3", execution="4")
            save_peer_form(form, colleague, spec, peer, "合作顺畅", True, None)
    for n in range(3):
        add_adjustment(
            world.cycle, world.person, world.manager, kind="typo", reason=f"错别字 {n + 1}"
        )


def grow_records(world: World, newcomers: list[Person]) -> None:
    """Three items with a follow-up on every improvement plan, three more signed-in browsers for
    the person, 21 failed record batches for every review, the built-in review templates and a
    copy of every template, and the newcomers' rows in every pending people upload."""
    from okr.auth.sessions import open_session
    from okr.jobs.models import Job
    from okr.kr_templates.models import KRTemplate
    from okr.kr_templates.services import copy_template as copy_kr_template
    from okr.org.models import ImportBatch
    from okr.plans.services import add_follow_up, save_item
    from okr.records.batch import start_batch
    from okr.review_templates.services import copy_template, load_builtin_templates
    from okr.reviews.models import ImprovementPlan
    from okr.tables import LINE

    for plan in db.session.scalars(select(ImprovementPlan)):
        for n in range(3):
            item = save_item(
                plan,
                None,
                {
                    "section": "training",
                    "status": "open",
                    "title": f"课程 {n + 1}",
                    "current": "",
                    "target": "",
                    "owner_id": world.manager.id,
                    "due": world.cycle.end,
                },
            )
            add_follow_up(plan, item, "已报名", world.manager)
    for n in range(3):
        open_session(world.person, f"Browser {n + 1}")
    for review in db.session.scalars(select(Review)):
        for _n in range(21):
            batch = start_batch(review, None, False, "zh", world.hr)
            job = db.session.get_one(Job, batch.job_id)
            job.status, job.failure, job.active_key = "failed", "error", None  # the next: anew
    load_builtin_templates()
    for template in list(db.session.scalars(select(ReviewTemplate))):
        copy_template(template)
    for template in list(db.session.scalars(select(KRTemplate))):
        copy_kr_template(template)
    for batch in db.session.scalars(select(ImportBatch).where(ImportBatch.applied_at.is_(None))):
        line = max(int(row[LINE]) for row in batch.rows)
        batch.rows = [*batch.rows, *(upload_row(p, line + n + 1) for n, p in enumerate(newcomers))]


def upload_row(person: Person, line: int) -> dict[str, str]:
    """A people file's row as an upload keeps it: the person, in a new position."""
    from okr.tables import LINE

    department = db.session.get_one(Department, person.department_id)
    manager = db.session.get(Person, person.manager_id) if person.manager_id else None
    return {
        LINE: str(line),
        "name": person.name,
        "email": person.email,
        "position": "客户运营",
        "department": department.name,
        "manager_email": manager.email if manager else "",
        "is_admin": "no",
    }
