"""HR's stage-completion digest: who is behind in open reviews, by department, to HR and to
each department with someone behind (a digest for its groups); once a week."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from okr.extensions import db
from okr.notify.models import Notice
from okr.reminders.calendar import Calendar, save_calendar
from okr.reminders.planner import plan
from tests.factories import SHEET_KEYS, build_world, self_assess


def test_hr_and_the_departments_hear_who_is_behind(app, make_person, make_department):
    world = build_world(make_person, make_department)
    day = world.review.self_deadline + timedelta(days=1)
    save_calendar(Calendar("Asia/Shanghai", digest_weekday=day.weekday(), digest_time=time(9)))
    for person in [world.colleague, *world.peers]:  # done: not behind
        self_assess(world.appraisal_of(person), world.spec, dict.fromkeys(SHEET_KEYS, "4"))
    db.session.commit()
    assert "hr_stage_digest" not in plan(datetime.combine(day, time(0, 30), tzinfo=UTC)).new
    summary = plan(datetime.combine(day, time(4), tzinfo=UTC))  # 12:00 Shanghai
    db.session.commit()
    assert summary.new["hr_stage_digest"] == 1
    [to_hr] = db.session.scalars(select(Notice).where(Notice.kind == "hr_stage_digest"))
    assert to_hr.person_id == world.hr.id and to_hr.link == "/reviews/"
    behind_in_team = sorted([world.person.name, world.manager.name])
    team_line = next(line for line in to_hr.lines if line.startswith(world.team.name))
    assert team_line.startswith(f"{world.team.name} · Self-assessment (2): ")
    assert sorted(team_line.split(": ")[1].split(", ")) == behind_in_team
    groups = db.session.scalars(select(Notice).where(Notice.kind == "department_stage_digest"))
    by_department = {n.department_id: n for n in groups}
    assert set(by_department) == {world.team.id, world.other_team.id}
    assert by_department[world.team.id].person_id is None
    assert plan(datetime.combine(day, time(8), tzinfo=UTC)).new.get("hr_stage_digest") is None
