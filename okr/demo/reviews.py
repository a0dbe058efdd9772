"""Demo reviews: last quarter's finished and released, this quarter's in progress.

Built through the review services, so every demo score is computed as users' scores are. Each
role's main journeys are left open to try (README, "Try the demo"): the demo employee 张玥 has
her self-assessment and a peer form to do, last quarter's result to acknowledge and an agreed
improvement plan to follow; 王志远 has interviews to hold and a drafted plan to write; HR has
complete appraisals to calibrate and release.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from okr.appraisals.services import acknowledge, assign_rater, save_interview, save_self_assessment
from okr.calibration.results import finalize, override_grade, release
from okr.cycles.models import Cycle
from okr.demo.story import Story
from okr.domain.periods import CycleKind, period_containing
from okr.extensions import db
from okr.org.models import Department, Person
from okr.peer_reviews.services import save_peer_form
from okr.plans.drafting import draft_plan
from okr.plans.services import add_follow_up, agree_plan
from okr.reviews.models import Appraisal, ImprovementItem, PeerForm, Review, ReviewTemplate
from okr.reviews.services import open_review, spec_of
from okr.schemes.format import TemplateSpec

TEAMS = ("推广组", "内容组", "社群运营组", "客服组")
# Per person: (self, peer, interview) star ratings for results/skills/attitude and cooperation/innovation/execution.
RATINGS = {
    "zhangyue@example.com": ("4", "4", "5"),
    "liuyu@example.com": ("4", "4", "4"),
    "chensiyuan@example.com": ("3", "4", "3"),
    "sunshen@example.com": ("5", "5", "5"),
    "zhouxiaolin@example.com": ("3", "3", "3"),
    "zhengkun@example.com": ("4", "5", "4"),
    "fengyutong@example.com": ("3", "3", "2"),
    "xujiayi@example.com": ("4", "4", "4"),
    "gaochen@example.com": ("3", "2", "2"),
}
NOTES = {
    "purpose": "回顾本季度目标达成情况，确认考核结果，商定下季度改进计划。",
    "self_assessment": "员工认为主要目标基本完成，个别指标受外部因素影响。",
    "result": "依据关键结果达成率、团队评估和面谈评分得出综合得分。",
    "disagreement": "",
    "plan": "针对薄弱指标制定改进计划，下季度逐项跟进。",
}


def _stars(values: str, keys: tuple[str, ...]) -> dict[str, str]:
    return {f"rating-{key}": values for key in keys}


SELF = ("results", "skills", "attitude")
PEER = ("cooperation", "innovation", "execution")

# This quarter's review, per person: self-assessment submitted?, who rates them (and whether
# they submitted), interview held? Complete ones wait for HR to finalize, calibrate, release.
ONGOING: dict[str, tuple[bool, list[tuple[str, bool]], bool]] = {
    # 张玥 still has her self-assessment to do, and a form to fill in for 陈思远
    "zhangyue@example.com": (
        False,
        [("liuyu@example.com", True), ("chensiyuan@example.com", True)],
        False,
    ),
    "liuyu@example.com": (
        True,
        [("chensiyuan@example.com", True), ("lizhe@example.com", True)],
        True,
    ),
    "chensiyuan@example.com": (
        True,
        [("zhangyue@example.com", False), ("liuyu@example.com", True)],
        False,
    ),
    # the team leads' interviews are 王志远's to hold (赵雅琪's is done)
    "lizhe@example.com": (
        True,
        [("liuyu@example.com", True), ("chensiyuan@example.com", True)],
        False,
    ),
    "zhaoyaqi@example.com": (
        True,
        [("sunshen@example.com", True), ("zhouxiaolin@example.com", True)],
        True,
    ),
    "sunshen@example.com": (
        True,
        [("zhouxiaolin@example.com", True), ("zhaoyaqi@example.com", True)],
        True,
    ),
    "zhouxiaolin@example.com": (True, [("sunshen@example.com", True)], False),
    "wuhao@example.com": (
        True,
        [("zhengkun@example.com", True), ("fengyutong@example.com", True)],
        False,
    ),
    "zhengkun@example.com": (
        True,
        [("fengyutong@example.com", True), ("wuhao@example.com", True)],
        True,
    ),
    "fengyutong@example.com": (False, [], False),
    "hejing@example.com": (False, [("xujiayi@example.com", False)], False),
    "xujiayi@example.com": (
        True,
        [("gaochen@example.com", True), ("hejing@example.com", True)],
        True,
    ),
    "gaochen@example.com": (True, [], False),
}
# Last quarter's results still to acknowledge (the demo employee's among them).
NOT_ACKNOWLEDGED = ("zhangyue@example.com", "chensiyuan@example.com")


def _appraisals(review: Review) -> list[tuple[Appraisal, Person]]:
    rows = db.session.execute(
        select(Appraisal, Person)
        .join(Person, Person.id == Appraisal.person_id)
        .where(Appraisal.review_id == review.id)
        .order_by(Appraisal.id)
    )
    return [(appraisal, person) for appraisal, person in rows]


def _self(appraisal: Appraisal, person: Person, spec: TemplateSpec) -> None:
    stars = RATINGS.get(person.email, ("4", "4", "4"))[0]
    save_self_assessment(
        appraisal, spec, _stars(stars, SELF), "本季度完成了主要目标，下季度继续提升。", True, None
    )


def _peer(form: PeerForm, appraisal: Appraisal, person: Person, spec: TemplateSpec) -> None:
    stars = RATINGS.get(person.email, ("4", "4", "4"))[1]
    save_peer_form(form, appraisal, spec, _stars(stars, PEER), "合作顺畅。", True, None)


def _interview(appraisal: Appraisal, person: Person, spec: TemplateSpec) -> None:
    stars = RATINGS.get(person.email, ("4", "4", "4"))[2]
    save_interview(appraisal, spec, _stars(stars, SELF), NOTES, "", True, None)


def _finished(review: Review, people: dict[str, Person], story: Story) -> None:
    """Last quarter's review, run in the first days of this quarter, released and acknowledged."""
    spec = spec_of(db.session.get(ReviewTemplate, review.template_id))
    cycle = db.session.get(Cycle, review.cycle_id)
    day0 = cycle.end + timedelta(days=1)
    appraisals = _appraisals(review)
    colleagues: dict[int, list[Person]] = {}
    for person in people.values():
        colleagues.setdefault(person.department_id, []).append(person)
    with story.on(story.at(day0 + timedelta(days=2), 10)):
        for appraisal, person in appraisals:
            _self(appraisal, person, spec)
    with story.on(story.at(day0 + timedelta(days=4), 15)):
        for appraisal, person in appraisals:
            raters = [p for p in colleagues.get(appraisal.department_id, []) if p.id != person.id]
            for rater in raters[:2]:
                form = assign_rater(appraisal, rater, db.session.get(Person, appraisal.manager_id))
                _peer(form, appraisal, person, spec)
    with story.on(story.at(day0 + timedelta(days=6), 14)):
        for appraisal, person in appraisals:
            _interview(appraisal, person, spec)
    # 张玥's plan was asked for and agreed in her interview (step 5); she follows it up
    zhang = next(a for a, p in appraisals if p.email == "zhangyue@example.com")
    with story.on(story.at(day0 + timedelta(days=6), 15)):
        plan = draft_plan(zhang, spec, requested=True)
        assert plan is not None
        agree_plan(plan, len(plan.items), None)
    with story.on(story.at(day0 + timedelta(days=9), 10)):
        for appraisal, _person in appraisals:
            finalize(appraisal, spec)
    boost = next((a for a, p in appraisals if p.email == "zhengkun@example.com"), None)
    with story.on(story.at(day0 + timedelta(days=9), 14)):
        if boost is not None and boost.final_grade != "优秀":
            override_grade(
                boost,
                spec,
                "优秀",
                "牵头双十一社群活动，带来超额销售线索（校准会一致同意）",
                people["linhui@example.com"],
                None,
            )
    with story.on(story.at(day0 + timedelta(days=10), 9)):
        release(review, spec)
    with story.on(story.at(day0 + timedelta(days=11), 10)):
        for appraisal, person in appraisals:
            if person.email == "gaochen@example.com":
                acknowledge(
                    appraisal, person, False, "投诉率受新品质量问题影响，希望考虑外部因素。", None
                )
            elif person.email not in NOT_ACKNOWLEDGED:
                acknowledge(appraisal, person, True, "", None)
    # 王志远 asked for a plan for 何静 and has yet to write it with her
    hejing = next(a for a, p in appraisals if p.email == "hejing@example.com")
    with story.on(story.at(day0 + timedelta(days=11), 16)):
        draft_plan(hejing, spec, requested=True)
    first = db.session.scalars(
        select(ImprovementItem)
        .where(ImprovementItem.plan_id == plan.id)
        .order_by(ImprovementItem.id)
    ).first()
    lead = people["lizhe@example.com"]
    with story.on(story.at(day0 + timedelta(days=20), 10)):
        add_follow_up(plan, first, "第一次跟进：已约好每两周复盘一次进展。", lead)


def _ongoing(review: Review, people: dict[str, Person], opened: datetime, story: Story) -> None:
    """This quarter's review, a few days in: some appraisals complete, others to do."""
    spec = spec_of(db.session.get(ReviewTemplate, review.template_id))
    appraisals = {person.email: (appraisal, person) for appraisal, person in _appraisals(review)}
    with story.on(story.later(opened, hours=3)):
        for email, (submitted, _raters, _done) in ONGOING.items():
            if submitted and email in appraisals:
                _self(*appraisals[email], spec)
    with story.on(story.later(opened, hours=5)):
        forms = []
        for email, (_submitted, raters, _done) in ONGOING.items():
            if email not in appraisals:
                continue
            appraisal, person = appraisals[email]
            manager = db.session.get(Person, appraisal.manager_id)
            for rater_email, filled in raters:
                form = assign_rater(appraisal, people[rater_email], manager)
                if filled:
                    forms.append((form, appraisal, person))
    with story.on(story.later(opened, hours=24)):
        for form, appraisal, person in forms:
            _peer(form, appraisal, person, spec)
    with story.on(story.later(opened, hours=30)):
        for email, (_submitted, _raters, done) in ONGOING.items():
            if done and email in appraisals:
                _interview(*appraisals[email], spec)


def load_demo_reviews(story: Story) -> None:
    """Last quarter's review finished and released; this quarter's open, partly done."""
    today = story.today
    this_quarter = period_containing(CycleKind.QUARTER, today)
    template = db.session.scalar(
        select(ReviewTemplate).where(
            ReviewTemplate.family == "okr-default", ReviewTemplate.retired.is_(False)
        )
    )
    people = {p.email: p for p in db.session.scalars(select(Person))}
    teams = [d.id for d in db.session.scalars(select(Department).where(Department.name.in_(TEAMS)))]
    hr = people["linhui@example.com"]
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.start)).all()
    previous, current = cycles[-2], cycles[-1]
    later = today + timedelta(days=30)
    with story.on(story.at(this_quarter.start, 9)):
        done = open_review(
            f"{previous.label} 季度考核", previous, template, teams, (later, later, later), hr
        )
    _finished(done, people, story)
    done.self_deadline, done.peer_deadline, done.interview_deadline = (
        previous.end + timedelta(days=5),
        previous.end + timedelta(days=8),
        previous.end + timedelta(days=12),
    )
    opened = story.at(max(this_quarter.start, today - timedelta(days=3)), 9)
    with story.on(opened):
        ongoing = open_review(
            f"{current.label} 季度考核",
            current,
            template,
            teams,
            (today + timedelta(days=7), today + timedelta(days=14), today + timedelta(days=21)),
            hr,
        )
    _ongoing(ongoing, people, opened, story)
    db.session.flush()
