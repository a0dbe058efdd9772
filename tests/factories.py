"""The one world builder of the tests: companies, cycles, OKRs and reviews built through the services.

Test modules import their worlds from here (never from each other); request and HTML helpers are in
tests/helpers.py. A world is put together from the building blocks below, so that it states only what
is its own. People come from the conftest's make_person and make_department, which commit each row;
the other blocks flush and never commit, so a world (or its test) commits where it always has."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select

from okr.calibration.results import finalize, release
from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.cycles.services import change_status, create_cycle
from okr.db import local_date, utcnow
from okr.extensions import db
from okr.objectives.models import Adjustment, KeyResult, Objective
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.org.models import Department, Person
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import (
    assign_rater,
    open_review,
    save_interview,
    save_peer_form,
    save_self_assessment,
    spec_of,
)
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
    """The scoring examples' deduction: −0.5 points for 错别字 (typos)."""
    adjustment = Adjustment(
        cycle_id=cycle.id,
        person_id=person.id,
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
