"""A real `flask jobs worker` asks for the reminders.tick job on its own, the job posts what is
due at the worker's present moment and asks for its delivery."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from okr.extensions import db
from okr.jobs.models import Job
from okr.notify.models import Notice
from okr.reminders.calendar import Calendar, save_calendar
from tests.factories import approved_objective, cycle_row, kr_row, today
from tests.jobs.harness import wait_for


def test_the_worker_ticks_and_the_tick_posts(app, job_workers, make_person, monkeypatch):
    day = today()
    cycle = cycle_row("本季度", day - timedelta(days=30), day + timedelta(days=30), "running")
    cycle.is_current = True
    person = make_person("王芳")
    kr_row(approved_objective(cycle, "目标", "individual", person), "粉丝数", target="100")
    # Due on Monday at midnight: whenever the test runs, this week's reminder is due already;
    # no quiet hours, or a run after 21:00 in Shanghai would wait for the morning to deliver.
    save_calendar(
        Calendar(
            "Asia/Shanghai",
            due_weekday=0,
            due_time=time(0),
            quiet_start=time(0),
            quiet_end=time(0),
            kinds=("checkin_due",),
        )
    )
    db.session.commit()
    monkeypatch.setenv("OKR_REMINDER_TICK_SECONDS", "0.2")
    job_workers.start(workers=1)
    notice = wait_for(
        lambda: db.session.scalar(select(Notice).where(Notice.person_id == person.id)),
        "the tick's notice",
    )
    assert notice.kind == "checkin_due", job_workers.log()
    # The tick asks for delivery; with no mail server set up, delivery records why it failed.
    # Read as a row, not the session's Notice: what the database holds at that moment.
    delivered = wait_for(
        lambda: db.session.execute(
            select(Notice.status, Notice.outcome).where(
                Notice.id == notice.id, Notice.status.in_(("sent", "failed", "skipped"))
            )
        ).first(),
        "the delivery of the notice",
    )
    assert delivered.status == "failed" and "not configured" in delivered.outcome, delivered
    # The notice's result is committed as soon as the channel answered, the job's end after it.
    wait_for(
        lambda: db.session.scalar(select(Job.status).where(Job.kind == "notify.deliver")) == "done",
        "the delivery job's end",
    )
    wait_for(
        lambda: (
            db.session.scalar(
                select(func.count(Job.id)).where(Job.kind == "reminders.tick", Job.status == "done")
            )
            >= 2
        ),
        "a second tick",
    )
    assert db.session.scalar(select(func.count(Notice.id))) == 1  # the second posted nothing
