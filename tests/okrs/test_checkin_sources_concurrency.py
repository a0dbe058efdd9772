"""Batches of values and single check-ins at once, on SQLite and PostgreSQL: two threads push
values for overlapping halves of eight people's key results while two others check in one by
one; nothing fails or deadlocks, and every cached figure equals a full recompute from the log."""

from __future__ import annotations

import threading

from okr.checkins.services import record_checkin
from okr.checkins.sources import Item, apply_values
from okr.extensions import db
from okr.objectives.models import KeyResult
from okr.org.models import Person
from okr.unit_of_work import unit_of_work
from tests.okrs.test_checkin_concurrency import cached, distinct_key_results, recompute

ROUNDS = 15


def test_batches_and_single_check_ins_at_once_keep_the_cache_exact(
    app, make_department, make_person
):
    setup = distinct_key_results(make_department, make_person)
    krs = [kr for _person, kr in setup.clients]
    for n, kr in enumerate(krs):
        kr.source, kr.source_key = "api", f"k{n}"
    lead_id = setup.clients[0][0].manager_id
    singles = [(person.id, kr.id) for person, kr in setup.clients[6:]]
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
    db.session.expire_all()
    assert cached(setup.cycle.id) == recompute(setup.cycle.id)
