"""HR's reminder pages: the calendar (422 beside the field, nothing lost) and the dry run with
the notices posted; nobody but HR sees either."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import func, select

from okr.extensions import db
from okr.notify.models import Notice
from okr.reminders.calendar import load_calendar
from okr.reminders.planner import plan
from tests.factories import approved_objective, kr_row, q4_cycle
from tests.helpers import ZH, field_error, text

VALID = {
    "timezone": "Europe/Berlin",
    "due_weekday": "3",
    "due_time": "15:30",
    "nudge_weekday": "4",
    "nudge_time": "11:00",
    "digest_weekday": "4",
    "digest_time": "17:00",
    "quiet_start": "20:00",
    "quiet_end": "07:00",
    "review_due_days": "5",
    "escalate_days": "3",
    "ack_days": "10",
    "checkin_due": "y",
    "manager_digest": "y",
}


@pytest.mark.parametrize("url", ["/reminders/", "/reminders/calendar"])
def test_only_hr_sees_the_reminder_pages(app, login, make_person, url):
    client = login(make_person("王芳", manager=make_person("陈经理")))
    assert client.get(url).status_code == 403
    assert client.post("/reminders/calendar", data=VALID).status_code == 403
    assert load_calendar().timezone == "Asia/Shanghai"  # nothing saved


def test_hr_saves_the_calendar(app, login, admin):
    client = login(admin)
    page = client.get("/reminders/calendar")
    assert 'value="Asia/Shanghai"' in page.get_data(as_text=True)
    saved = client.post("/reminders/calendar", data=VALID)
    assert saved.status_code == 303
    calendar = load_calendar()
    assert (calendar.timezone, calendar.due_weekday, calendar.due_time) == (
        "Europe/Berlin",
        3,
        time(15, 30),
    )
    assert (calendar.quiet_start, calendar.quiet_end) == (time(20, 0), time(7, 0))
    assert (calendar.review_due_days, calendar.escalate_days, calendar.ack_days) == (5, 3, 10)
    assert calendar.kinds == ("checkin_due", "manager_digest")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "请输入时区名，如 Asia/Shanghai。"),
        ({"due_time": "25:00"}, "due_time", "不是有效的时间值"),
        ({"nudge_weekday": "3", "nudge_time": "09:00"}, "nudge_time", "催办须在同一周内"),
        ({"escalate_days": "0"}, "escalate_days", "1 至 60 天"),
    ],
)
def test_refused_input_comes_back_beside_its_field(app, login, admin, changes, field, message):
    client = login(admin)
    response = client.post("/reminders/calendar", data={**VALID, **changes}, headers=ZH)
    assert response.status_code == 422
    assert message in field_error(response, field)
    assert f'value="{VALID["quiet_start"]}"' in response.get_data(as_text=True)  # nothing lost
    assert load_calendar().timezone == "Asia/Shanghai"


def test_the_dry_run_counts_and_names_without_posting(app, login, admin, make_person):
    cycle = q4_cycle("running")
    person = make_person("王芳")
    kr_row(approved_objective(cycle, "目标", "individual", person), "粉丝数", target="100")
    db.session.commit()
    client = login(admin)
    response = client.get("/reminders/?at=2026-12-04T16:00")
    assert response.status_code == 200
    body = text(response)
    assert 'id="due-checkin_due"' in body and "王芳" in body
    assert db.session.scalar(select(func.count(Notice.id))) == 0
    assert client.get("/reminders/?at=tomorrow").status_code == 422


def test_the_page_lists_what_was_posted(app, login, admin, make_person):
    cycle = q4_cycle("running")
    person = make_person("王芳")
    kr_row(approved_objective(cycle, "目标", "individual", person), "粉丝数", target="100")
    db.session.commit()
    plan(datetime(2026, 12, 4, 8, tzinfo=UTC))
    db.session.commit()
    body = text(login(admin).get("/reminders/"))
    assert f"checkin_due:2026-W49:person:{person.id}" in body and "queued" in body
