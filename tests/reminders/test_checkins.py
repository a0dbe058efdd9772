"""The weekly check-in reminders (okr.reminders): once per person per week at the set time in
the company's timezone, a nudge to those still missing, nothing to those who checked in."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.extensions import db
from okr.notify.kinds import is_still_due, still_due_among
from okr.notify.models import Notice
from okr.reminders.planner import plan
from tests.factories import approved_objective, kr_row, q4_cycle

# Week 49 of 2026: Monday 30 November to Sunday 6 December; Friday 16:00 in Shanghai is 08:00 UTC.
FRIDAY_DUE = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
SUNDAY_NUDGE = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # Sunday 10:00 Shanghai
MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def _owner_of_kr(cycle, make_person, name, **kw):
    person = make_person(name, **kw)
    objective = approved_objective(cycle, f"{name}的目标", "individual", person)
    return person, kr_row(objective, "粉丝数", start="0", target="100")


def _notices(kind: str | None = None) -> list[Notice]:
    stmt = select(Notice).order_by(Notice.id)
    if kind is not None:
        stmt = stmt.where(Notice.kind == kind)
    return list(db.session.scalars(stmt))


def _team(make_person):
    cycle = q4_cycle("running")
    late, late_kr = _owner_of_kr(cycle, make_person, "王芳")
    done, done_kr = _owner_of_kr(cycle, make_person, "李娜", locale="en")
    record_checkin(done_kr, "10", "on_track", "", done, None, MONDAY)
    db.session.commit()
    return cycle, late, late_kr, done


def test_one_checkin_due_notice_at_friday_1600_shanghai_and_no_second(app, make_person):
    app.config["DEFAULT_LOCALE"] = "zh"  # the company's language, for those who chose none
    _cycle, late, _kr, _done = _team(make_person)
    before = plan(datetime(2026, 12, 4, 7, 59, tzinfo=UTC))
    assert before.planned == {}
    summary = plan(FRIDAY_DUE)
    db.session.commit()
    assert summary.new == {"checkin_due": 1}
    [notice] = _notices()
    assert (notice.kind, notice.person_id) == ("checkin_due", late.id)
    assert notice.key == f"checkin_due:2026-W49:person:{late.id}"
    assert notice.title == "该更新本周进展了"
    assert notice.link == "/week/"
    again = plan(datetime(2026, 12, 5, 3, 0, tzinfo=UTC))
    db.session.commit()
    assert again.posted["checkin_due"] == 0 and len(_notices("checkin_due")) == 1


def test_the_nudge_goes_only_to_those_still_missing(app, make_person):
    cycle, late, late_kr, done = _team(make_person)
    other, _other_kr = _owner_of_kr(cycle, make_person, "张伟")
    plan(FRIDAY_DUE)
    record_checkin(late_kr, "20", "at_risk", "", late, None, datetime(2026, 12, 5, 1, tzinfo=UTC))
    summary = plan(SUNDAY_NUDGE)
    db.session.commit()
    assert summary.posted["checkin_nudge"] == 1 and "checkin_due" not in summary.posted
    assert [n.person_id for n in _notices("checkin_nudge")] == [other.id]
    assert done.id not in {n.person_id for n in _notices("checkin_nudge") + _notices("checkin_due")}


def test_the_still_due_check_turns_false_after_a_checkin(app, make_person):
    _cycle, late, late_kr, _done = _team(make_person)
    plan(FRIDAY_DUE)
    db.session.commit()
    [notice] = _notices("checkin_due")
    assert is_still_due(notice)
    record_checkin(late_kr, "20", "on_track", "", late, None, datetime(2026, 12, 4, 9, tzinfo=UTC))
    db.session.commit()
    assert not is_still_due(notice)


def test_last_weeks_checkin_does_not_count_for_this_week(app, make_person):
    cycle = q4_cycle("running")
    person, kr = _owner_of_kr(cycle, make_person, "王芳")
    record_checkin(kr, "10", "on_track", "", person, None, datetime(2026, 11, 29, 15, tzinfo=UTC))
    db.session.commit()  # Sunday 23:00 Shanghai: still week 48
    assert plan(FRIDAY_DUE).posted["checkin_due"] == 1


def test_the_recipients_language_is_theirs(app, make_person):
    cycle = q4_cycle("running")
    _owner_of_kr(cycle, make_person, "Anna", locale="en")
    db.session.commit()
    plan(FRIDAY_DUE)
    [notice] = _notices("checkin_due")
    assert notice.title == "Time for your weekly check-in"
    assert notice.lines[0] == "1 key result has no value for this week yet."


def test_nothing_is_planned_while_no_cycle_runs(app, make_person):
    q4_cycle("planning")
    db.session.commit()
    assert plan(SUNDAY_NUDGE).planned == {}


def test_a_batch_of_notices_is_checked_in_one_query_whatever_its_size(
    app, make_person, count_queries
):
    cycle, late, late_kr, _done = _team(make_person)
    for name in ("张伟", "刘洋", "陈静", "杨帆"):
        _owner_of_kr(cycle, make_person, name)
    plan(FRIDAY_DUE)
    record_checkin(late_kr, "20", "on_track", "", late, None, datetime(2026, 12, 4, 9, tzinfo=UTC))
    db.session.commit()
    notices = _notices("checkin_due")
    assert len(notices) == 5
    counts = []
    for batch in (notices[:2], notices):
        with count_queries() as q:
            due = still_due_among(batch)
        counts.append(q.count)
        assert due == [n.person_id != late.id for n in batch]
    assert counts == [1, 1]


def test_three_rounds_a_month_remind_two_days_before_each_dekad_ends(app, make_person):
    cycle = q4_cycle("running")
    cycle.checkin_cadence = "dekad"
    late, _late_kr = _owner_of_kr(cycle, make_person, "王芳")
    november, november_kr = _owner_of_kr(cycle, make_person, "李娜")
    december, december_kr = _owner_of_kr(cycle, make_person, "张伟")
    # Monday 30 November counts for week 49, not for 1–10 December
    record_checkin(november_kr, "10", "on_track", "", november, None, MONDAY)
    record_checkin(december_kr, "10", "on_track", "", december, None, FRIDAY_DUE)
    db.session.commit()
    assert plan(datetime(2026, 12, 8, 7, 59, tzinfo=UTC)).planned == {}  # 8th, 15:59 Shanghai
    summary = plan(datetime(2026, 12, 8, 8, 0, tzinfo=UTC))
    db.session.commit()
    assert summary.new == {"checkin_due": 2}
    due = _notices("checkin_due")
    assert {n.person_id for n in due} == {late.id, november.id}
    assert {n.key for n in due} == {
        f"checkin_due:2026-12-D1:person:{late.id}",
        f"checkin_due:2026-12-D1:person:{november.id}",
    }
    assert due[0].lines[0].endswith("has no value for this period yet.")
    record_checkin(november_kr, "20", "on_track", "", november, None, FRIDAY_DUE)
    db.session.commit()
    nudged = plan(datetime(2026, 12, 10, 2, 0, tzinfo=UTC))  # the 10th, 10:00 Shanghai
    db.session.commit()
    assert nudged.new == {"checkin_nudge": 1}
    assert [n.person_id for n in _notices("checkin_nudge")] == [late.id]
    assert plan(datetime(2026, 12, 11, 2, 0, tzinfo=UTC)).new == {}  # 中旬 has just begun
    second = plan(datetime(2026, 12, 18, 8, 0, tzinfo=UTC))
    assert second.new == {"checkin_due": 3}  # nobody has checked in since the 11th
