"""Opening the next cycle keeps the running one current unless HR knowingly switches; the calendar moves on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.cycles.services import create_cycle, current_cycle
from okr.db import local_date, utcnow
from okr.domain.periods import CycleKind, next_period, period_containing
from okr.extensions import db
from tests.helpers import field_error, form_values, snapshot, text


def _running_now() -> Cycle:
    cycle = create_cycle("quarter", local_date(utcnow()), make_current=True)
    cycle.status = "running"
    db.session.commit()
    return cycle


def _next_quarter_day() -> str:
    this = period_containing(CycleKind.QUARTER, local_date(utcnow()))
    return next_period(this).start.isoformat()


def _current_label() -> str | None:
    db.session.expire_all()
    cycle = current_cycle()
    return cycle.label if cycle else None


def test_the_new_cycle_is_not_ticked_current_while_another_runs(client, login, admin):
    login(admin)
    assert form_values(client.get("/cycles/"))["current"] is True  # nothing runs yet
    _running_now()
    assert form_values(client.get("/cycles/"))["current"] is False


def test_opening_next_quarter_keeps_the_running_one_current(client, login, admin):
    running = _running_now()
    login(admin)
    response = client.post(
        "/cycles/", data={"kind": "quarter", "day": _next_quarter_day(), "cap": "100"}
    )
    assert response.status_code == 303
    assert _current_label() == running.label
    assert f"<title>My week · {running.label}" in text(client.get("/week/"))


def test_switching_to_the_new_cycle_over_a_running_one_needs_a_confirmation(client, login, admin):
    running = _running_now()
    login(admin)
    before = snapshot("cycle")
    data = {"kind": "quarter", "day": _next_quarter_day(), "cap": "100", "current": "y"}
    asked = client.post("/cycles/", data=data)
    assert asked.status_code == 422
    label = period_containing(CycleKind.QUARTER, date.fromisoformat(data["day"])).label
    warning = field_error(asked, "current")
    assert f"{running.label} is running: people check in on it every week." in warning
    assert f"open {label} instead" in warning
    assert form_values(asked)["confirm"] is False  # the confirmation box is there, unticked
    assert snapshot("cycle") == before

    confirmed = client.post("/cycles/", data={**data, "confirm": "y"})
    assert confirmed.status_code == 303
    assert _current_label() == label


def test_make_current_over_a_running_cycle_asks_first(client, login, admin):
    running = _running_now()
    planned = create_cycle("quarter", date.fromisoformat(_next_quarter_day()))
    db.session.commit()
    login(admin)
    asked = client.post(f"/cycles/{planned.id}/current")
    assert asked.status_code == 422
    body = text(asked)
    assert f"Make {planned.label} the current cycle?" in body
    assert f"{running.label} is running" in body
    assert f"Keep {running.label} current" in body
    assert _current_label() == running.label

    done = client.post(f"/cycles/{planned.id}/current", data={"confirm": "y"})
    assert done.status_code == 303
    assert _current_label() == planned.label


def test_no_confirmation_when_nothing_runs(client, login, admin):
    login(admin)
    create_cycle("quarter", date(2026, 11, 21), make_current=True)
    db.session.commit()
    response = client.post(
        "/cycles/", data={"kind": "quarter", "day": "2027-01-05", "cap": "100", "current": "y"}
    )
    assert response.status_code == 303
    assert _current_label() == "2027 Q1"


def test_current_follows_the_calendar_once_the_marked_cycle_is_over(app):
    q4 = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    q1 = create_cycle("quarter", date(2027, 2, 1))
    q4.status = "running"
    db.session.commit()
    # HR's mark holds while its dates do, even with the next quarter open
    assert current_cycle(date(2026, 12, 31)).label == "2026 Q4"
    # Q4 is over but Q1 is not running yet: Q4 stays
    assert current_cycle(date(2027, 1, 2)).label == "2026 Q4"
    q4.status, q1.status = "reviewing", "running"
    db.session.commit()
    assert current_cycle(date(2027, 1, 2)).label == "2027 Q1"
    # a future cycle HR made current knowingly stays current before it starts
    q4.is_current, q1.is_current = False, True
    q1.status = "planning"
    q4.status = "running"
    db.session.commit()
    assert current_cycle(date(2026, 12, 1)).label == "2027 Q1"
    assert db.session.scalar(select(Cycle.label).where(Cycle.is_current)) == "2027 Q1"
