"""Reminders before a cycle's windows close: "planning closes soon" to whoever has not
submitted their own OKRs, "assessment closes soon" to reviewers with appraisals still open;
`review_due_days` before the window closes and on its last day, each once, no longer due once
done, one statement per kind whatever the company's size."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select, update

from okr.db import utcnow
from okr.extensions import db
from okr.notify.delivery import deliver_due
from okr.notify.kinds import is_still_due, still_due_among
from okr.notify.models import Notice
from okr.reminders.planner import plan
from okr.reminders.windows import ASSESSMENT_CLOSES, PLANNING_CLOSES
from okr.reviews.models import Appraisal
from tests.factories import (
    approved_objective,
    build_world,
    grow_world,
    q4_cycle,
    replan,
    resume,
    today,
)
from tests.notify.smtp import smtp_server

WINDOW_KINDS = {PLANNING_CLOSES, ASSESSMENT_CLOSES}


def _noon(day) -> datetime:
    """Noon in Shanghai on a day (outside the quiet hours)."""
    return datetime.combine(day, time(4, 0), tzinfo=UTC)


def _notices(kind: str) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.kind == kind).order_by(Notice.id)))


def _planning_world(make_person, make_department):
    """The world's cycle back in planning, its window closing in 5 days; the colleague's OKRs
    approved already, one person gone."""
    world = build_world(make_person, make_department)
    replan(world.cycle, world.hr)
    closes = today() + timedelta(days=5)
    world.cycle.planning_opens, world.cycle.planning_closes = today() - timedelta(days=3), closes
    approved_objective(world.cycle, "客户满意度", "individual", world.colleague)
    make_person("离职者", department=world.team, manager=world.manager, active=False)
    db.session.commit()
    return world, closes


def test_planning_closes_soon_goes_to_who_has_not_submitted_early_and_on_the_last_day(
    app, make_person, make_department
):
    world, closes = _planning_world(make_person, make_department)
    assert PLANNING_CLOSES not in plan(_noon(closes - timedelta(days=4))).new
    plan(_noon(closes - timedelta(days=3)))
    early = _notices(PLANNING_CLOSES)
    people = {n.person_id for n in early}
    assert world.person.id in people and world.manager.id in people  # a draft; no OKRs yet
    assert world.colleague.id not in people  # approved already
    assert all(n.key.endswith(f":early:person:{n.person_id}") for n in early)
    mine = next(n for n in early if n.person_id == world.person.id)
    assert mine.link == f"/okrs/people/{world.person.id}?cycle={world.cycle.id}"
    assert "2026 Q4" in mine.title or world.cycle.label in mine.title
    assert not plan(_noon(closes - timedelta(days=1))).new.get(PLANNING_CLOSES)  # once
    plan(_noon(closes))
    last = [n for n in _notices(PLANNING_CLOSES) if ":last:" in n.key]
    assert {n.person_id for n in last} == people
    assert all("today" in n.title or "今天" in n.title for n in last)
    assert not plan(_noon(closes + timedelta(days=1))).new.get(PLANNING_CLOSES)


def test_planning_reminders_speak_each_persons_language(app, make_person, make_department):
    world, closes = _planning_world(make_person, make_department)
    world.person.locale, world.manager.locale = "zh", "en"
    db.session.commit()
    plan(_noon(closes - timedelta(days=2)))
    by_person = {n.person_id: n for n in _notices(PLANNING_CLOSES)}
    assert by_person[world.person.id].title.startswith(f"{world.cycle.label} 的计划")
    assert by_person[world.person.id].lines == ["你的目标尚未提交：请完成并提交审批。"]
    assert by_person[world.manager.id].title.startswith(f"Planning for {world.cycle.label}")


def test_no_planning_reminder_for_a_running_cycle_or_one_without_a_window(
    app, make_person, make_department
):
    world = build_world(make_person, make_department)  # running: plans are frozen
    day = today()
    world.cycle.planning_opens, world.cycle.planning_closes = day, day + timedelta(days=1)
    db.session.commit()
    assert PLANNING_CLOSES not in plan(_noon(day)).new
    replan(world.cycle, world.hr)
    world.cycle.planning_opens = world.cycle.planning_closes = None
    db.session.commit()
    assert PLANNING_CLOSES not in plan(_noon(day)).new


def test_a_person_who_submitted_meanwhile_is_no_longer_due(
    app, make_person, make_department, count_queries
):
    world, closes = _planning_world(make_person, make_department)
    plan(_noon(closes - timedelta(days=2)))
    world.objective.status = "submitted"
    db.session.commit()
    notices = _notices(PLANNING_CLOSES)
    assert len(notices) > 3
    with count_queries() as counted:
        due = still_due_among(notices)
    assert counted.count == 1
    assert due == [n.person_id != world.person.id for n in notices]


def _assessment_world(make_person, make_department):
    world = build_world(make_person, make_department)
    closes = today() + timedelta(days=4)
    world.cycle.assessment_opens, world.cycle.assessment_closes = (
        today() - timedelta(days=1),
        closes,
    )
    db.session.commit()
    return world, closes


def test_assessment_closes_soon_goes_to_reviewers_with_appraisals_open(
    app, make_person, make_department
):
    world, closes = _assessment_world(make_person, make_department)
    other = world.appraisal_of(world.other_report)
    other.finalized_at = utcnow()  # the other team's only appraisal is final: nothing owed
    db.session.commit()
    assert ASSESSMENT_CLOSES not in plan(_noon(closes - timedelta(days=4))).new
    plan(_noon(closes - timedelta(days=3)))
    found = {n.person_id: n for n in _notices(ASSESSMENT_CLOSES)}
    # the team's manager, and the director who reviews the managers; not the other team's
    assert set(found) == {world.manager.id, world.director.id}
    notice = found[world.manager.id]
    assert notice.key == (
        f"{ASSESSMENT_CLOSES}:{world.cycle.id}:{closes.isoformat()}:early:person:{world.manager.id}"
    )
    assert "appraisals you review are still open" in notice.lines[0]
    assert not plan(_noon(closes - timedelta(days=2))).new.get(ASSESSMENT_CLOSES)
    assert is_still_due(notice)
    db.session.execute(update(Appraisal).values(finalized_at=utcnow()))  # all final now
    db.session.commit()
    assert not is_still_due(notice)
    assert not plan(_noon(closes)).new.get(ASSESSMENT_CLOSES)  # nothing open any more


def test_the_window_kinds_run_one_statement_each_whatever_the_size(
    app, make_person, make_department, count_queries
):
    world, closes = _planning_world(make_person, make_department)
    world.cycle.assessment_opens = closes + timedelta(days=1)
    world.cycle.assessment_closes = closes + timedelta(days=4)
    db.session.commit()
    moments = (_noon(closes - timedelta(days=1)), _noon(closes + timedelta(days=2)))
    small = []
    for moment in moments:
        with count_queries() as counted:
            found = plan(moment)
        small.append((counted.count, set(found.new) & WINDOW_KINDS))
    db.session.rollback()
    resume(world.cycle, "running", world.hr)
    grow_world(world, make_person, make_department)
    replan(world.cycle, world.hr)
    db.session.execute(delete(Notice))
    db.session.commit()
    for moment, (count, kinds) in zip(moments, small, strict=True):
        with count_queries() as counted:
            found = plan(moment)
        assert counted.count == count and set(found.new) & WINDOW_KINDS == kinds
    assert PLANNING_CLOSES in small[0][1] and ASSESSMENT_CLOSES in small[1][1]


def test_planning_reminders_reach_the_mailbox_after_quiet_hours_and_skip_who_approved(
    app, tmp_path, make_person, make_department
):
    app.config["DEFAULT_LOCALE"] = "zh"
    with smtp_server(tmp_path) as box:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=box.port, BASE_URL="https://okr.cn")
        team = make_department("推广组")
        cycle = q4_cycle()  # being planned
        cycle.planning_opens, cycle.planning_closes = date(2026, 12, 1), date(2026, 12, 8)
        make_person("王芳", department=team, email="fang@example.cn")
        wei = make_person("张伟", department=team, email="wei@example.cn")
        db.session.commit()
        evening = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai: quiet hours
        plan(evening)
        db.session.commit()
        deliver_due(evening)
        db.session.commit()
        assert box.mails() == []
        approved_objective(cycle, "提升转化率", "individual", wei)  # approved meanwhile
        db.session.commit()
        morning = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)  # 09:00, the quiet hours are over
        deliver_due(morning)
        db.session.commit()
        [mail] = box.mails()
        assert mail["To"].addresses[0].addr_spec == "fang@example.cn"
        assert "2026 Q4 的计划将于12月8日截止" in str(mail["Subject"])
        statuses = {n.person_id: n.status for n in _notices(PLANNING_CLOSES)}
        assert statuses[wei.id] == "skipped"
