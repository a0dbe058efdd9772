"""The one world builder of the tests: companies, cycles, OKRs and reviews built through the services.

Test modules import their worlds from here (never from each other); request and HTML helpers are in tests/helpers.py."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from okr.appraisals.services import assign_rater, save_interview
from okr.calibration.results import department_ranks, finalize, release
from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.cycles.services import change_status, create_cycle
from okr.db import dated, local_date, utcnow
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.objectives.models import KeyResult, Objective
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
    marketing = make_department("网络营销部")
    team = make_department("推广组", parent=marketing)
    content = make_department("内容组", parent=marketing)
    boss = make_person("王志远", department=marketing)
    lead = make_person("李喆", department=team, manager=boss)
    seo = make_person("张玥", department=team, manager=lead, position="SEO专员")
    peer = make_person("赵敏", department=team, manager=lead, position="SEO专员")
    other_lead = make_person("陈刚", department=content)
    make_person("周婷", department=content, manager=other_lead)
    marketing.head_id, team.head_id, content.head_id = boss.id, lead.id, other_lead.id
    cycle = Cycle(
        kind="quarter",
        label="2026 Q4",
        start=date(2026, 10, 1),
        end=date(2026, 12, 31),
        status="running",
        is_current=True,
    )
    db.session.add(cycle)
    db.session.flush()

    def objective(title, level, owner, parent=None, weight="100", rule="own_krs", dept=team):
        o = Objective(
            cycle_id=cycle.id,
            level=level,
            title=title,
            owner_id=owner.id,
            department_id=dept.id if level != "company" else None,
            parent_id=parent.id if parent else None,
            weight=Decimal(weight),
            progress_rule=rule,
            status="approved",
        )
        db.session.add(o)
        db.session.flush()
        return o

    company = objective("Q4 线上销售额增长30%", "company", boss, rule="children", dept=marketing)
    department = objective("独立访问量达6万", "department", lead, company, rule="both")
    mine = objective("提升自然搜索流量", "individual", seo, department, weight="70")
    launch = objective("上线新站点", "individual", seo, weight="30")

    def kr(objective, title, kind, weight, start=None, target=None, unit=""):
        k = KeyResult(
            objective_id=objective.id,
            title=title,
            kind=kind,
            weight=Decimal(weight),
            start=None if start is None else Decimal(start),
            target=None if target is None else Decimal(target),
            unit=unit,
        )
        db.session.add(k)
        return k

    traffic = kr(mine, "自然流量", "increase", "60", "40000", "60000", "次")
    pages = kr(mine, "收录页面", "increase", "40", "100", "300")
    milestone = kr(launch, "新站点上线", "milestone", "100")
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
        return db.session.scalar(
            select(Appraisal).where(
                Appraisal.person_id == person.id, Appraisal.review_id == self.review.id
            )
        )


def today() -> date:
    return local_date(utcnow())


def store_template(family: str = "okr-default", **kw) -> ReviewTemplate:
    template = ReviewTemplate(
        family=family,
        version=kw.pop("version", 1),
        name=BUILT_IN[family]["name"],
        spec=BUILT_IN[family],
        built_in=True,
        **kw,
    )
    db.session.add(template)
    db.session.flush()
    return template


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
    cycle = create_cycle("quarter", today(), make_current=True)
    objective = create_objective(
        cycle, "individual", ObjectiveData("粉丝增长", "", Decimal(100), None), person, owner=person
    )
    kr, _warnings = add_key_result(
        objective,
        KeyResultData(
            "粉丝数", "人", "increase", Decimal(100), start=Decimal(50000), target=Decimal(60000)
        ),
        person,
    )
    change_status(cycle, "running", hr)
    record_checkin(kr, "55000", "on_track", "", person, None)
    template = store_template(family)
    review = open_review(
        "2026 Q4 考核",
        cycle,
        template,
        [team.id, other_team.id],
        (today() + timedelta(days=3), today() + timedelta(days=5), today() + timedelta(days=7)),
        hr,
    )
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


def rate(**values: str) -> dict[str, str]:
    return {f"rating-{k}": v for k, v in values.items()}


def peer_rate(world: World, rater, **ratings) -> None:
    form = assign_rater(world.appraisal, rater, world.manager)
    save_peer_form(form, world.appraisal, world.spec, rate(**ratings), "", True, None)
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
    save_interview(
        world.appraisal,
        world.spec,
        rate(results="4", skills="4", attitude="3"),
        {"purpose": "季度回顾"},
        "",
        True,
        None,
    )
    db.session.commit()


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
        review = review or self.reviews[-1]
        return db.session.scalar(
            select(Appraisal).where(
                Appraisal.person_id == person.id, Appraisal.review_id == review.id
            )
        )


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
    today = date.today()
    review = open_review(
        f"{cycle.label} 考核",
        cycle,
        org.template,
        [t.id for t in org.teams],
        (today, today + timedelta(days=3), today + timedelta(days=7)),
        org.hr,
    )
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
    form = {f"rating-{k}": v for k, v in values.items()}
    save_interview(appraisal, org.spec, form, {"purpose": "季度回顾"}, "", True, None)
    db.session.commit()


def okr_default_org(make_person, make_department, admin_cycle_day=date(2026, 11, 21)):
    """The default scheme with a real KR, two peers and an interview for one person."""
    team = make_department("社群运营组")
    manager = make_person("吴昊", department=team)
    person = make_person("郑堃", department=team, manager=manager)
    peers = [make_person(n, department=team, manager=manager) for n in ("冯雨桐", "何静")]
    hr = make_person("林慧", is_admin=True)
    cycle = create_cycle("quarter", admin_cycle_day, make_current=True)
    objective = create_objective(
        cycle, "individual", ObjectiveData("粉丝增长", "", Decimal(100), None), person, owner=person
    )
    kr, _ = add_key_result(
        objective,
        KeyResultData(
            "粉丝数", "人", "increase", Decimal(100), start=Decimal(50000), target=Decimal(60000)
        ),
        person,
    )
    change_status(cycle, "running", hr)
    record_checkin(kr, "55000", "on_track", "", person, None)
    template = ReviewTemplate(
        family="okr-default", version=1, name="默认", spec=BUILT_IN["okr-default"], built_in=True
    )
    db.session.add(template)
    db.session.flush()
    today = date.today()
    review = open_review(
        "2026 Q4 考核",
        cycle,
        template,
        [team.id],
        (today, today + timedelta(days=3), today + timedelta(days=7)),
        hr,
    )
    db.session.commit()
    org = Org(
        hr, [team], [manager], [person, *peers], template, spec_of(template), [cycle], [review]
    )
    appraisal = org.appraisal(person)
    for rater, ratings in zip(
        peers,
        (
            {"cooperation": "2", "innovation": "4", "execution": "5"},
            {"cooperation": "3", "innovation": "5", "execution": "5"},
        ),
        strict=True,
    ):
        form = assign_rater(appraisal, rater, manager)
        save_peer_form(
            form,
            appraisal,
            org.spec,
            {f"rating-{k}": v for k, v in ratings.items()},
            "",
            True,
            None,
        )
    save_interview(
        appraisal,
        org.spec,
        {"rating-results": "4", "rating-skills": "2", "rating-attitude": "4"},
        {"purpose": "季度回顾"},
        "",
        True,
        None,
    )
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
        add_adjustment(cycle, person, Decimal(2), "单篇阅读超10万", org.hr)
    if i % 5 == 2:
        add_adjustment(cycle, person, Decimal("-0.5"), "错别字", org.hr)
        add_adjustment(cycle, person, Decimal(-1), "重复发布", org.hr)
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
