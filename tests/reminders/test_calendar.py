"""The company's calendar: due moments in its timezone, quiet hours, `flask reminders tick`,
and a planning run whose statements do not grow with the company."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.notify.models import Notice
from okr.reminders.calendar import Calendar, save_calendar
from okr.reminders.planner import plan
from tests.factories import approved_objective, kr_row, q4_cycle

MONDAY = date(2026, 11, 30)


def test_friday_1600_in_shanghai_is_0800_utc_and_in_berlin_1500_utc():
    assert Calendar("Asia/Shanghai").at(MONDAY, 4, time(16)) == datetime(2026, 12, 4, 8, tzinfo=UTC)
    assert Calendar("Europe/Berlin").at(MONDAY, 4, time(16)) == datetime(
        2026, 12, 4, 15, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("moment", "until"),
    [
        (datetime(2026, 12, 4, 12, 59, tzinfo=UTC), None),  # 20:59 Shanghai
        (datetime(2026, 12, 4, 13, 0, tzinfo=UTC), datetime(2026, 12, 5, 0, 30, tzinfo=UTC)),
        (datetime(2026, 12, 4, 19, 0, tzinfo=UTC), datetime(2026, 12, 5, 0, 30, tzinfo=UTC)),
        (datetime(2026, 12, 5, 0, 30, tzinfo=UTC), None),  # 08:30: quiet hours are over
    ],
)
def test_quiet_hours_overnight(moment, until):
    assert Calendar("Asia/Shanghai").quiet_until(moment) == until


def test_quiet_hours_within_a_day():
    calendar = Calendar("Asia/Shanghai", quiet_start=time(12), quiet_end=time(13, 30))
    noon = datetime(2026, 12, 4, 4, 15, tzinfo=UTC)
    assert calendar.quiet_until(noon) == datetime(2026, 12, 4, 5, 30, tzinfo=UTC)
    assert calendar.quiet_until(datetime(2026, 12, 4, 6, tzinfo=UTC)) is None


def _people(make_person, cycle, count: int) -> None:
    for n in range(count):
        person = make_person(f"成员{n}", manager=make_person(f"经理{n}"))
        kr_row(approved_objective(cycle, "目标", "individual", person), "粉丝数", target="100")


def test_a_notice_due_in_quiet_hours_waits_for_their_end(app, make_person):
    cycle = q4_cycle("running")
    _people(make_person, cycle, 1)
    save_calendar(Calendar("Asia/Shanghai", due_time=time(22, 0)))
    db.session.commit()
    plan(datetime(2026, 12, 4, 14, 5, tzinfo=UTC))  # Friday 22:05 Shanghai
    notice = db.session.scalar(select(Notice).where(Notice.kind == "checkin_due"))
    assert notice.not_before == datetime(2026, 12, 5, 0, 30, tzinfo=UTC)  # Saturday 08:30


def test_a_kind_turned_off_is_not_planned(app, make_person):
    cycle = q4_cycle("running")
    _people(make_person, cycle, 1)
    save_calendar(Calendar("Asia/Shanghai", kinds=("manager_digest",)))
    db.session.commit()
    assert set(plan(datetime(2026, 12, 6, 3, tzinfo=UTC)).planned) == {"manager_digest"}


def test_the_tick_command_plans_at_a_given_moment_and_prints_it(app, make_person, runner):
    cycle = q4_cycle("running")
    _people(make_person, cycle, 2)
    db.session.commit()
    result = runner.invoke(args=["reminders", "tick", "--at", "2026-12-04T16:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "checkin_due: 2 due, 2 posted" in result.output
    assert "成员0" in result.output
    db.session.expire_all()
    assert len(db.session.scalars(select(Notice)).all()) == 2
    again = runner.invoke(args=["reminders", "tick", "--at", "2026-12-04T08:30:00Z"])
    assert "checkin_due: 2 due, 0 posted" in again.output
    bad = runner.invoke(args=["reminders", "tick", "--at", "Friday"])
    assert bad.exit_code != 0 and "not an ISO-8601 moment" in bad.output


def test_planning_runs_as_many_statements_for_a_bigger_company(app, make_person, count_queries):
    cycle = q4_cycle("running")
    _people(make_person, cycle, 3)
    db.session.commit()
    sunday = datetime(2026, 12, 6, 11, tzinfo=UTC)  # nudge and digest both due
    with count_queries() as small:
        assert plan(sunday).new == {"checkin_nudge": 3, "manager_digest": 3}
    db.session.rollback()
    _people(make_person, cycle, 40)
    db.session.commit()
    with count_queries() as large:
        assert plan(sunday).new == {"checkin_nudge": 43, "manager_digest": 43}
    assert small.count == large.count
