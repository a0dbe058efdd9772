"""Demo reviews: last quarter's finished and released, this quarter's in progress.

Built through the review services, so every demo score is computed as users' scores are.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from okr.extensions import db
from okr.okrs.models import Cycle
from okr.org.models import Department, Person
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.results import acknowledge, finalize, override_grade, release
from okr.reviews.services import (
    assign_rater,
    open_review,
    save_interview,
    save_peer_form,
    save_self_assessment,
    spec_of,
)
from okr.reviews.templates_service import load_builtin_templates

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


def _run(review: Review, people: dict[str, Person], *, finish: bool) -> None:
    spec = spec_of(db.session.get(ReviewTemplate, review.template_id))
    appraisals = db.session.scalars(
        select(Appraisal).where(Appraisal.review_id == review.id).order_by(Appraisal.id)
    ).all()
    by_person = {a.person_id: a for a in appraisals}
    colleagues: dict[int, list[Person]] = {}
    for person in people.values():
        colleagues.setdefault(person.department_id, []).append(person)
    for index, appraisal in enumerate(appraisals):
        person = db.session.get(Person, appraisal.person_id)
        self_star, peer_star, interview_star = RATINGS.get(person.email, ("4", "4", "4"))
        if not finish and index % 3 == 2:
            continue  # a few have not started yet
        save_self_assessment(
            appraisal,
            spec,
            _stars(self_star, ("results", "skills", "attitude")),
            "本季度完成了主要目标，下季度继续提升。",
            True,
            None,
        )
        raters = [p for p in colleagues.get(appraisal.department_id, []) if p.id != person.id][:2]
        for number, rater in enumerate(raters):
            form = assign_rater(appraisal, rater, db.session.get(Person, appraisal.manager_id))
            if finish or number == 0:
                save_peer_form(
                    form,
                    appraisal,
                    spec,
                    _stars(peer_star, ("cooperation", "innovation", "execution")),
                    "合作顺畅。",
                    True,
                    None,
                )
        if finish or person.email == "zhangyue@example.com":
            save_interview(
                appraisal,
                spec,
                _stars(interview_star, ("results", "skills", "attitude")),
                NOTES,
                "",
                True,
                None,
            )
    if not finish:
        return
    for appraisal in appraisals:
        finalize(appraisal, spec)
    boost = by_person.get(people["zhengkun@example.com"].id)
    if boost is not None and boost.final_grade != "优秀":
        override_grade(
            boost,
            spec,
            "优秀",
            "牵头双十一社群活动，带来超额销售线索（校准会一致同意）",
            people["linhui@example.com"],
            None,
        )
    release(review, spec)
    for appraisal in appraisals:
        person = db.session.get(Person, appraisal.person_id)
        if person.email == "gaochen@example.com":
            acknowledge(
                appraisal, person, False, "投诉率受新品质量问题影响，希望考虑外部因素。", None
            )
        elif person.email != "chensiyuan@example.com":
            acknowledge(appraisal, person, True, "", None)


def load_demo_reviews(today: date) -> None:
    """Open and finish last quarter's review, and open this quarter's (part done)."""
    load_builtin_templates()
    db.session.flush()
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
    done = open_review(
        f"{previous.label} 季度考核", previous, template, teams, (later, later, later), hr
    )
    _run(done, people, finish=True)
    done.self_deadline, done.peer_deadline, done.interview_deadline = (
        previous.end + timedelta(days=5),
        previous.end + timedelta(days=8),
        previous.end + timedelta(days=12),
    )
    ongoing = open_review(
        f"{current.label} 季度考核",
        current,
        template,
        teams,
        (today + timedelta(days=7), today + timedelta(days=14), today + timedelta(days=21)),
        hr,
    )
    _run(ongoing, people, finish=False)
    db.session.flush()
