"""Improvement-plan follow-ups on their dates (to the owner and the manager) and flags to HR,
each posted once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from okr.extensions import db
from okr.notify.kinds import is_still_due
from okr.notify.models import Notice
from okr.reminders.planner import plan
from okr.reviews.models import ImprovementItem, ImprovementPlan
from tests.factories import build_org, open_cycle_review, rated_and_final

QUARTERS = (date(2026, 5, 15), date(2026, 8, 15), date(2026, 11, 21))


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _notices(kind: str) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.kind == kind).order_by(Notice.id)))


def _item(org, person, due: date, status: str = "agreed") -> ImprovementItem:
    appraisal = org.appraisal(person)
    plan_row = ImprovementPlan(appraisal_id=appraisal.id, person_id=person.id, status=status)
    db.session.add(plan_row)
    db.session.flush()
    item = ImprovementItem(
        plan_id=plan_row.id,
        section="indicator",
        title="客户满意度 90%",
        owner_id=person.id,
        due=due,
    )
    item.follow_ups = []
    db.session.add(item)
    db.session.commit()
    return item


def test_a_plan_item_is_followed_up_on_its_date_once(app, make_person, make_department):
    org = build_org(make_person, make_department)
    open_cycle_review(org)
    person, other = org.staff
    item = _item(org, person, date(2026, 12, 10))
    _item(org, other, date(2026, 12, 10), status="draft")  # not agreed: nothing
    assert plan(_noon(date(2026, 12, 9))).new.get("plan_follow_up") is None
    plan(_noon(date(2026, 12, 10)))
    plan(_noon(date(2026, 12, 11)))
    notices = _notices("plan_follow_up")
    assert sorted(n.person_id for n in notices) == sorted([person.id, org.managers[0].id])
    assert notices[0].link == f"/reviews/appraisals/{org.appraisal(person).id}/plan"
    assert all(is_still_due(n) for n in notices)
    item.status = "done"
    db.session.commit()
    assert not any(is_still_due(n) for n in notices)


def test_a_flagged_person_is_told_to_hr_once_per_run(app, make_person, make_department):
    org = build_org(make_person, make_department)
    for day in QUARTERS:
        open_cycle_review(org, day)
    low, fine = org.staff
    for review, rating in zip(org.reviews, ("85", "80", "70"), strict=True):
        rated_and_final(org, low, rating, review)
        rated_and_final(org, fine, "95", review)
    plan(_noon(date(2026, 12, 2)))
    plan(_noon(date(2026, 12, 3)))
    [flag] = _notices("flag_to_hr")
    assert flag.person_id == org.hr.id and low.name in flag.title and "3" in flag.title
    assert flag.link == "/reviews/flags"
