"""Review-stage reminders: due some days before the deadline, overdue after it, escalated to
the manager after N days overdue; each exactly once, mandatory, and no longer due once done."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from okr.appraisals.services import acknowledge, assign_rater
from okr.db import dated
from okr.extensions import db
from okr.notify.kinds import is_still_due, still_due_among
from okr.notify.models import Notice
from okr.reminders.planner import plan
from tests.factories import (
    SHEET_KEYS,
    build_world,
    complete_and_release,
    grow_world,
    self_assess,
)


def _noon(day) -> datetime:
    """Noon in Shanghai on a day (outside the quiet hours)."""
    return datetime.combine(day, time(4, 0), tzinfo=UTC)


def _stage(stage: str, kind: str) -> list[Notice]:
    found = db.session.scalars(select(Notice).where(Notice.kind == kind).order_by(Notice.id))
    return [n for n in found if n.params["stage"] == stage]


def test_self_assessment_due_overdue_and_escalated_exactly_once(app, make_person, make_department):
    world = build_world(make_person, make_department)
    deadline = world.review.self_deadline
    appraisal = world.appraisal
    assert "review_due" not in plan(_noon(deadline - timedelta(days=4))).new
    plan(_noon(deadline - timedelta(days=3)))
    due = [n for n in _stage("self", "review_due") if n.params["item_id"] == appraisal.id]
    assert [(n.person_id, n.mandatory) for n in due] == [(world.person.id, True)]
    assert due[0].link == f"/reviews/appraisals/{appraisal.id}"
    plan(_noon(deadline))
    assert not _stage("self", "review_overdue")
    plan(_noon(deadline + timedelta(days=1)))
    overdue = [n for n in _stage("self", "review_overdue") if n.params["item_id"] == appraisal.id]
    assert [n.person_id for n in overdue] == [world.person.id]
    assert not _stage("self", "review_escalated")
    plan(_noon(deadline + timedelta(days=2)))
    plan(_noon(deadline + timedelta(days=5)))
    escalated = [
        n for n in _stage("self", "review_escalated") if n.params["item_id"] == appraisal.id
    ]
    assert [n.person_id for n in escalated] == [world.manager.id]
    assert world.person.name in escalated[0].title
    for kind in ("review_due", "review_overdue", "review_escalated"):
        keys = [n.key for n in _stage("self", kind)]
        assert len(keys) == len(set(keys)) and f"{kind}:self:{appraisal.id}" in keys


def test_a_done_stage_is_no_longer_due_and_never_escalated(app, make_person, make_department):
    world = build_world(make_person, make_department)
    deadline = world.review.self_deadline
    plan(_noon(deadline - timedelta(days=1)))
    [notice] = [n for n in _stage("self", "review_due") if n.person_id == world.person.id]
    assert is_still_due(notice)
    self_assess(world.appraisal, world.spec, dict.fromkeys(SHEET_KEYS, "4"))
    db.session.commit()
    assert not is_still_due(notice)
    plan(_noon(deadline + timedelta(days=3)))
    assert world.person.id not in {n.person_id for n in _stage("self", "review_overdue")}
    assert world.appraisal.id not in {
        n.params["item_id"] for n in _stage("self", "review_escalated")
    }


def test_peer_forms_and_interviews_go_to_who_owes_them(app, make_person, make_department):
    world = build_world(make_person, make_department)
    rater = world.peers[0]
    form = assign_rater(world.appraisal, rater, world.manager)
    db.session.commit()
    plan(_noon(world.review.interview_deadline + timedelta(days=2)))
    peer = [n for n in _stage("peer", "review_overdue") if n.params["item_id"] == form.id]
    assert [n.person_id for n in peer] == [rater.id]
    assert peer[0].link == f"/reviews/peer-forms/{form.id}"
    interviews = {n.params["item_id"]: n.person_id for n in _stage("interview", "review_escalated")}
    assert interviews[world.appraisal.id] == world.director.id  # the manager's manager


def test_acknowledging_a_released_result_is_due_for_ack_days(app, make_person, make_department):
    world = build_world(make_person, make_department)
    with dated(datetime(2026, 12, 7, 2, tzinfo=UTC)):  # released Monday 7 December, Shanghai
        complete_and_release(world)
    plan(_noon(date(2026, 12, 12)))  # acknowledged within 7 days: due from the 11th
    [due] = _stage("acknowledgement", "review_due")
    assert due.person_id == world.person.id and "Dec 14, 2026" in due.title
    plan(_noon(date(2026, 12, 16)))
    [escalated] = _stage("acknowledgement", "review_escalated")
    assert escalated.person_id == world.manager.id
    acknowledge(world.appraisal, world.person, True, "", None)
    db.session.commit()
    assert not is_still_due(escalated)


def test_planning_a_whole_review_runs_as_many_statements_when_it_grows(
    app, make_person, make_department, count_queries
):
    world = build_world(make_person, make_department)
    moment = _noon(world.review.self_deadline + timedelta(days=3))
    with count_queries() as small:
        found = plan(moment)
    db.session.rollback()
    grow_world(world, make_person, make_department)
    with count_queries() as large:
        grown = plan(moment)
    assert set(grown.new) == set(found.new) and {"review_overdue", "review_escalated"} <= set(
        found.new
    )
    assert sum(grown.new.values()) > sum(found.new.values())
    assert small.count == large.count


def test_a_batch_of_stage_notices_is_checked_in_one_query(
    app, make_person, make_department, count_queries
):
    world = build_world(make_person, make_department)
    grow_world(world, make_person, make_department)
    plan(_noon(world.review.self_deadline + timedelta(days=1)))
    self_assess(world.appraisal, world.spec, dict.fromkeys(SHEET_KEYS, "4"))
    db.session.commit()
    notices = _stage("self", "review_overdue")
    assert len(notices) > 3
    counts = []
    for batch in (notices[:2], notices):
        with count_queries() as q:
            due = still_due_among(batch)
        counts.append(q.count)
        done = {("self", world.appraisal.id)}
        assert due == [(n.params["stage"], n.params["item_id"]) not in done for n in batch]
    assert counts == [1, 1]
