"""A closed review is read-only in the services themselves, whoever calls them (page, CLI, job)."""

from __future__ import annotations

import pytest

from okr.appraisals.services import (
    assign_rater,
    save_interview,
    save_self_assessment,
    unassign_rater,
)
from okr.errors import Invalid
from okr.extensions import db
from okr.peer_reviews.services import save_peer_form
from okr.reviews.models import PeerForm
from tests.factories import World, build_world, rate
from tests.helpers import snapshot

CLOSED = "This review is closed for changes"


@pytest.fixture
def world(make_person, make_department) -> World:
    world = build_world(make_person, make_department)
    form = PeerForm(
        appraisal_id=world.appraisal.id,
        rater_id=world.peers[0].id,
        assigned_by_id=world.manager.id,
        ratings={},
    )
    db.session.add(form)
    world.review.status = "released"
    db.session.commit()
    return world


def _refused(call, message: str = CLOSED) -> None:
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        call()
    assert message in next(iter(refusal.value.errors.values()))
    assert snapshot() == before


def test_the_self_assessment_service_refuses_a_closed_review(world):
    a = world.appraisal
    _refused(lambda: save_self_assessment(a, world.spec, rate(results="4"), "", False, a.version))


def test_the_interview_service_refuses_a_closed_review(world):
    a = world.appraisal
    _refused(lambda: save_interview(a, world.spec, rate(results="4"), {}, "", False, a.version))


def test_the_peer_form_service_refuses_a_closed_review(world):
    form = db.session.query(PeerForm).one()
    a = world.appraisal
    _refused(
        lambda: save_peer_form(form, a, world.spec, rate(results="4"), "", False, form.version)
    )


def test_raters_cannot_change_on_a_closed_review(world):
    closed = "This appraisal is closed; raters can no longer change."
    _refused(lambda: assign_rater(world.appraisal, world.colleague, world.manager), closed)
    _refused(lambda: unassign_rater(db.session.query(PeerForm).one()), closed)
