"""Peers, the person and the manager save parts of one appraisal at once: nobody's save fails
or makes another's form stale, and the live composite is computed from everything committed."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from okr.appraisals.services import assign_rater
from okr.extensions import db
from okr.peer_reviews.services import save_peer_form
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.services import breakdown
from tests.factories import SHEET_KEYS, World, build_world, interview_with, rate, self_assess


@pytest.fixture
def world(make_person, make_department) -> World:
    world = build_world(make_person, make_department)
    self_assess(world.appraisal, world.spec, dict.fromkeys(SHEET_KEYS, "4"))
    db.session.commit()
    return world


def _interview(world: World) -> None:
    interview_with(world.appraisal, world.spec, {"results": "4", "skills": "4", "attitude": "3"})
    db.session.commit()


def _fresh(world: World) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, world.appraisal.id)


def _live_figures_are_a_full_recompute(world: World) -> None:
    appraisal = _fresh(world)
    result = breakdown(appraisal, world.spec).result
    expected = (result.composite, result.grade) if result else (None, None)
    assert (appraisal.composite, appraisal.grade) == expected
    assert appraisal.composite is not None


def test_a_peer_submitting_leaves_the_managers_open_interview_form_current(world, login):
    first, form = (assign_rater(world.appraisal, p, world.manager) for p in world.peers)
    ratings = rate(cooperation="4", innovation="4", execution="4")
    save_peer_form(first, world.appraisal, world.spec, ratings, "", True, None)
    db.session.commit()
    opened = _fresh(world).version  # the manager opens the interview

    peer = login(world.peers[1]).post(
        f"/reviews/peer-forms/{form.id}",
        data={"action": "submit", "version": "1", **rate(cooperation="4", innovation="3")}
        | rate(execution="5"),
    )
    assert peer.status_code == 303
    assert _fresh(world).version == opened  # derived figures may move, the version does not

    interview = login(world.manager).post(
        f"/reviews/appraisals/{world.appraisal.id}/interview",
        data={
            "action": "complete",
            "version": str(opened),
            "note-purpose": "季度回顾",
            **rate(results="4", skills="4", attitude="3"),
        },
    )
    assert interview.status_code == 303
    assert _fresh(world).status == "interviewed"
    _live_figures_are_a_full_recompute(world)


def test_two_peers_submitting_at_the_same_moment_both_count(app, world):
    """Peer A has saved but not committed when peer B saves: B waits for A's row lock and then
    computes the composite with A's ratings (PostgreSQL's READ COMMITTED; SQLite write requests
    queue at BEGIN IMMEDIATE)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    _interview(world)
    first, second = (assign_rater(world.appraisal, p, world.manager) for p in world.peers)
    db.session.commit()
    ratings = rate(cooperation="5", innovation="5", execution="5")
    save_peer_form(first, world.appraisal, world.spec, ratings, "", True, None)  # A, not committed
    done = threading.Event()
    failures: list[BaseException] = []

    def peer_b() -> None:
        try:
            with app.app_context():
                appraisal = db.session.get(Appraisal, world.appraisal.id)
                form = db.session.get(PeerForm, second.id)
                low = rate(cooperation="1", innovation="2", execution="1")
                save_peer_form(form, appraisal, world.spec, low, "", True, None)
                db.session.commit()
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=peer_b)
    thread.start()
    with db.engine.connect() as watcher:  # until B waits for A's lock (or, unlocked, is done)
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> "
            "pg_backend_pid()"
        )
        while not done.is_set() and not watcher.execute(waiting).scalar():
            done.wait(0.01)
            watcher.rollback()
    db.session.commit()
    thread.join()

    assert failures == []
    assert breakdown(_fresh(world), world.spec).parts["peer"].fraction is not None  # both count
    _live_figures_are_a_full_recompute(world)
