"""The manager's weekly digest: exactly the direct reports not checked in, their key results at
risk or off track, their sets waiting for approval; nothing for a manager with nothing to say."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.extensions import db
from okr.notify.models import Notice
from okr.reminders.planner import plan
from tests.factories import approved_objective, kr_row, q4_cycle

DIGEST_TIME = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # Friday 18:00 Shanghai
MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def _owner(cycle, make_person, name, manager):
    person = make_person(name, manager=manager)
    objective = approved_objective(cycle, f"{name}的目标", "individual", person)
    return person, kr_row(objective, f"{name}的粉丝数", start="0", target="100")


def _digests() -> dict[int, Notice]:
    found = db.session.scalars(select(Notice).where(Notice.kind == "manager_digest"))
    return {n.person_id: n for n in found}


def test_the_digest_lists_exactly_the_missing_reports(app, make_person):
    cycle = q4_cycle("running")
    lead, complete_lead = make_person("陈经理", locale="zh"), make_person("Complete Lead")
    _owner(cycle, make_person, "王芳", lead)
    _owner(cycle, make_person, "张伟", lead)
    done, done_kr = _owner(cycle, make_person, "李娜", lead)
    other, other_kr = _owner(cycle, make_person, "赵强", complete_lead)
    record_checkin(done_kr, "10", "on_track", "", done, None, MONDAY)
    record_checkin(other_kr, "10", "on_track", "", other, None, MONDAY)
    db.session.commit()
    summary = plan(DIGEST_TIME)
    db.session.commit()
    digests = _digests()
    assert summary.posted["manager_digest"] == 1 and set(digests) == {lead.id}
    notice = digests[lead.id]
    assert notice.title == "你的团队本周情况"
    assert notice.lines == ["本周未更新进展：张伟、王芳"]
    assert notice.link == "/team/"
    assert notice.key == f"manager_digest:2026-W49:person:{lead.id}"
    plan(datetime(2026, 12, 5, 2, 0, tzinfo=UTC))
    assert len(_digests()) == 1  # one per manager per week


def test_the_digest_names_key_results_at_risk_and_sets_waiting(app, make_person):
    cycle = q4_cycle("running")
    lead = make_person("Lead", locale="en")
    person, kr = _owner(cycle, make_person, "Wang Fang", lead)
    record_checkin(kr, "10", "off_track", "", person, None, datetime(2026, 11, 27, tzinfo=UTC))
    waiting = make_person("Li Na", manager=lead)
    objective = approved_objective(cycle, "Grow", "individual", waiting)
    objective.status = "submitted"
    db.session.commit()
    plan(DIGEST_TIME)
    notice = _digests()[lead.id]
    assert notice.lines == [
        "Not checked in this week: Wang Fang",
        "Wang Fang · Wang Fang的粉丝数: Off track",
        "Waiting for your approval: Li Na (1 objective)",
    ]


def test_no_digest_before_its_time_or_when_every_team_is_complete(app, make_person):
    cycle = q4_cycle("running")
    lead = make_person("Lead")
    person, kr = _owner(cycle, make_person, "Wang Fang", lead)
    db.session.commit()
    assert "manager_digest" not in plan(datetime(2026, 12, 4, 9, 59, tzinfo=UTC)).planned
    record_checkin(kr, "10", "on_track", "", person, None, MONDAY)
    db.session.commit()
    assert "manager_digest" not in plan(DIGEST_TIME).planned
