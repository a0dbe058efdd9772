"""Cycles: opened from any day of the period, moved forward, reopened with a reason, capped, current."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle, CycleChange
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.objectives.services import KeyResultData, add_key_result
from tests.factories import draft_objective
from tests.helpers import field_error, flashes, form_values, snapshot, text


def _cycles():
    db.session.expire_all()
    return db.session.scalars(select(Cycle).order_by(Cycle.start)).all()


def _open(client, kind="quarter", day="2026-11-21", cap="100", current="y"):
    return client.post("/cycles/", data={"kind": kind, "day": day, "cap": cap, "current": current})


PERIODS = [
    ("quarter", "2026-11-21", "2026 Q4", "2026-10-01", "2026-12-31"),
    ("month", "2026-02-10", "2026-02", "2026-02-01", "2026-02-28"),
    ("half_year", "2026-07-01", "2026 H2", "2026-07-01", "2026-12-31"),
    ("year", "2027-03-03", "2027", "2027-01-01", "2027-12-31"),
]


def test_a_cycle_is_the_period_containing_the_day(client, login, admin):
    login(admin)
    for kind, day, label, start, end in PERIODS:
        response = _open(client, kind, day)
        assert response.status_code == 303
        assert f"Cycle {label} opened for planning." in flashes(client.get("/cycles/"))
        cycle = db.session.scalar(select(Cycle).where(Cycle.label == label))
        assert (str(cycle.start), str(cycle.end), cycle.status) == (start, end, "planning")
    assert [c.label for c in _cycles() if c.is_current] == ["2027"]  # the last one opened


def test_bad_cycle_input_is_refused_beside_the_field(client, login, admin):
    login(admin)
    _open(client)
    before = snapshot("cycle")
    duplicate = _open(client, day="2026-10-01")
    assert duplicate.status_code == 422
    assert field_error(duplicate, "day") == "The cycle 2026 Q4 exists already."
    assert form_values(duplicate)["day"] == "2026-10-01"
    for cap, message in (
        ("", "Enter a number."),
        ("abc", "“abc” is not a number."),
        ("90", "The cap cannot be below 100%."),
    ):
        response = _open(client, day="2027-01-05", cap=cap)
        assert response.status_code == 422, cap
        assert field_error(response, "cap") == message
        assert form_values(response)["cap"] == cap
    missing = client.post("/cycles/", data={"kind": "quarter", "day": "", "cap": "100"})
    assert missing.status_code == 422 and field_error(missing, "day") == "Choose a day."
    assert snapshot("cycle") == before


def test_status_moves_forward_one_step_at_a_time_and_is_recorded(client, login, admin):
    login(admin)
    _open(client)
    [cycle] = _cycles()
    skipped = client.post(
        f"/cycles/{cycle.id}/status", data={"status": "closed", "reason": "赶时间"}
    )
    assert "Move forward one step at a time: planning, running, reviewing, closed." in flashes(
        client.get(skipped.headers["Location"])
    )
    for status in ("running", "reviewing", "closed"):
        response = client.post(f"/cycles/{cycle.id}/status", data={"status": status, "reason": ""})
        assert response.status_code == 303
        assert _cycles()[0].status == status
    changes = db.session.scalars(select(CycleChange).order_by(CycleChange.id)).all()
    assert [(c.from_status, c.to_status, c.reason, c.actor_id) for c in changes] == [
        ("planning", "running", "", admin.id),
        ("running", "reviewing", "", admin.id),
        ("reviewing", "closed", "", admin.id),
    ]


def test_reopening_needs_a_reason_which_is_recorded_and_shown(client, login, admin):
    login(admin)
    _open(client)
    [cycle] = _cycles()
    client.post(f"/cycles/{cycle.id}/status", data={"status": "running"})
    refused = client.post(f"/cycles/{cycle.id}/status", data={"status": "planning", "reason": "  "})
    assert "Reopening a cycle needs a reason; it is recorded." in flashes(
        client.get(refused.headers["Location"])
    )
    assert _cycles()[0].status == "running"
    client.post(f"/cycles/{cycle.id}/status", data={"status": "planning", "reason": "销售目标上调"})
    assert _cycles()[0].status == "planning"
    last = db.session.scalars(select(CycleChange).order_by(CycleChange.id.desc())).first()
    assert (last.from_status, last.to_status, last.reason) == (
        "running",
        "planning",
        "销售目标上调",
    )
    assert "running → planning — “销售目标上调”" in text(client.get("/cycles/"))


def test_a_cap_change_recomputes_progress(client, login, admin, make_person):
    seo = make_person("张玥")
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    objective = draft_objective(cycle, seo, "自然流量")
    kr, _ = add_key_result(
        objective,
        KeyResultData("独立访客", "人", "increase", Decimal(100), Decimal(40000), Decimal(60000)),
        seo,
    )
    cycle.status = "running"
    db.session.commit()
    record_checkin(db.session.get(KeyResult, kr.id), "64000", "on_track", "超额", seo, None)
    db.session.commit()
    assert db.session.get(KeyResult, kr.id).progress == Decimal(1)  # capped at 100 %

    login(admin)
    client.post(f"/cycles/{cycle.id}/cap", data={"cap": "120"})
    db.session.expire_all()
    assert db.session.get(KeyResult, kr.id).progress == Decimal(1)  # refused while running
    client.post(f"/cycles/{cycle.id}/status", data={"status": "planning", "reason": "允许超额"})
    response = client.post(f"/cycles/{cycle.id}/cap", data={"cap": "120%"})
    assert "Cap saved; progress was recomputed." in flashes(
        client.get(response.headers["Location"])
    )
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).attainment_cap == Decimal("1.2")
    # (64000 − 40000) ÷ (60000 − 40000) = 1.2, now within the cap
    assert db.session.get(KeyResult, kr.id).progress == Decimal("1.2")
    assert db.session.get(Objective, objective.id).progress == Decimal("1.2")
    page = text(client.get(f"/okrs/objectives/{objective.id}"))
    assert "(64000 − 40000) ÷ (60000 − 40000) = 1.2" in page
    response = client.post(f"/cycles/{cycle.id}/cap", data={"cap": "100"})
    db.session.expire_all()
    assert db.session.get(KeyResult, kr.id).progress == Decimal(1)
    assert "is above the cap 1" in text(client.get(f"/okrs/objectives/{objective.id}"))


def test_one_cycle_is_current_and_pages_default_to_it(client, login, admin):
    login(admin)
    _open(client, day="2026-11-21")
    _open(client, day="2027-01-05")
    q4, q1 = _cycles()
    assert (q4.is_current, q1.is_current) == (False, True)
    response = client.get(f"/okrs/people/{admin.id}")
    assert "2027 Q1" in text(response).split("<h1>")[0]
    client.post(f"/cycles/{q4.id}/current")
    q4, q1 = _cycles()
    assert (q4.is_current, q1.is_current) == (True, False)
    assert "<title>Admin · 2026 Q4" in text(client.get(f"/okrs/people/{admin.id}"))
    assert client.get("/okrs/").headers["Location"].endswith(f"/okrs/people/{admin.id}")
    _open(client, day="2027-05-05", current="")
    assert sum(c.is_current for c in _cycles()) == 1


def test_cycles_page_query_count_does_not_grow_with_cycles(client, login, admin, count_queries):
    login(admin)
    _open(client, day="2026-11-21")
    client.get("/cycles/")
    with count_queries() as few:
        assert client.get("/cycles/").status_code == 200
    for day in (date(2025, 1, 5), date(2025, 4, 5), date(2025, 7, 5), date(2025, 10, 5)):
        create_cycle("quarter", day)
    db.session.commit()
    for cycle in _cycles()[:4]:
        client.post(f"/cycles/{cycle.id}/status", data={"status": "running"})
    with count_queries() as many:
        page = client.get("/cycles/")
    assert text(page).count("planning → running") == 4
    assert many.count == few.count
