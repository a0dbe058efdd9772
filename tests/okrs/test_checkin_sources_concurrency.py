"""Batches of values and single check-ins at once, on SQLite and PostgreSQL: two threads push
values for overlapping halves of eight people's key results while two others check in one by
one; nothing fails or deadlocks, and every cached figure equals a full recompute from the log."""

from __future__ import annotations

import threading

from sqlalchemy import select

from okr.checkins.services import latest_checkins, record_checkin
from okr.checkins.sources import Item, apply_values
from okr.cycles.models import Cycle
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.objectives.progress import refresh_cycle
from okr.org.models import Person
from okr.unit_of_work import unit_of_work
from tests.factories import approved_objective, kr_row, promotion_team, q4_cycle

ROUNDS = 15


def _people(make_department, make_person):
    """Eight people under 推广组's objective, under the company's, each with a key result."""
    _marketing, team, boss, lead, _seo = promotion_team(make_department, make_person, seo=False)
    cycle = q4_cycle("running")
    company = approved_objective(cycle, "线上销售额增长30%", "company", boss, rule="children")
    department = approved_objective(
        cycle, "独立访问量达6万", "department", lead, parent=company, department=team, rule="both"
    )
    kr_row(department, "团队外链", "100", "0", "1000", unit="次")
    people = []
    for n in range(8):
        person = make_person(f"专员{n}", department=team, manager=lead)
        mine = approved_objective(
            cycle, f"目标{n}", "individual", person, parent=department, department=team
        )
        people.append((person, kr_row(mine, f"流量{n}", "100", "0", "1000", unit="次")))
    refresh_cycle(cycle)
    db.session.commit()
    return cycle, lead, people


def _figures(cycle_id: int) -> tuple[list, list]:
    db.session.expire_all()
    krs = db.session.execute(
        select(KeyResult.id, KeyResult.current, KeyResult.confidence, KeyResult.progress)
        .join(Objective)
        .where(Objective.cycle_id == cycle_id)
        .order_by(KeyResult.id)
    ).all()
    objectives = db.session.execute(
        select(Objective.id, Objective.progress, Objective.confidence)
        .where(Objective.cycle_id == cycle_id)
        .order_by(Objective.id)
    ).all()
    return [tuple(r) for r in krs], [tuple(r) for r in objectives]


def test_batches_and_single_check_ins_at_once_keep_the_cache_exact(
    app, make_department, make_person
):
    cycle, lead, people = _people(make_department, make_person)
    krs = [kr for _person, kr in people]
    for n, kr in enumerate(krs):
        kr.source, kr.source_key = "api", f"k{n}"
    lead_id, cycle_id = lead.id, cycle.id
    singles = [(person.id, kr.id) for person, kr in people[6:]]
    db.session.commit()
    db.session.rollback()  # hold no transaction (nor SQLite lock) while the threads run
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def batch(first: int) -> None:
        with app.app_context():
            start.wait()
            try:
                for r in range(ROUNDS):
                    items = [
                        Item(f"k{n}", str(10 * r + n + first)) for n in range(first, first + 4)
                    ]
                    with unit_of_work():
                        actor = db.session.get_one(Person, lead_id)
                        results = apply_values(items, actor, "api", f"batch {first}")
                    assert {res.status for res in results} == {"stored"}, results
            except BaseException as exc:
                failures.append(exc)

    def single(person_id: int, kr_id: int) -> None:
        with app.app_context():
            start.wait()
            try:
                for r in range(ROUNDS):
                    with unit_of_work():
                        kr = db.session.get_one(KeyResult, kr_id)
                        person = db.session.get_one(Person, person_id)
                        record_checkin(kr, str(5 * r + 1), "at_risk", "", person, None)
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=batch, args=(first,)) for first in (0, 2)]
    threads += [threading.Thread(target=single, args=pair) for pair in singles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads)
    stored = _figures(cycle_id)
    kr_ids = [row[0] for row in stored[0]]
    latest = latest_checkins(kr_ids)
    assert {row[0]: row[1:3] for row in stored[0] if row[0] in latest} == {
        kr_id: (c.value, c.confidence) for kr_id, c in latest.items()
    }
    assert len(latest) == 8
    refresh_cycle(db.session.get_one(Cycle, cycle_id))  # every figure recomputed from scratch
    db.session.flush()
    assert _figures(cycle_id) == stored
