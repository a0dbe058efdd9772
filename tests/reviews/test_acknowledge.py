"""The person answers their released result: agree, or disagree with a note; then it is locked."""

from __future__ import annotations

import pytest

from okr.extensions import db
from okr.reviews.models import Appraisal
from tests.factories import World, build_world, complete_and_release, interview_world, peer_rate
from tests.helpers import field_error, snapshot, text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _fresh(world: World) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, world.appraisal.id)


def _post(client, world: World, headers=None, **data):
    data.setdefault("version", str(_fresh(world).version))
    return client.post(
        f"/reviews/appraisals/{world.appraisal.id}/acknowledge", data=data, headers=headers or {}
    )


def test_nothing_to_acknowledge_before_the_release(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    interview_world(world)
    client = login(world.person)
    page = text(client.get(f"/reviews/appraisals/{world.appraisal.id}"))
    assert f'id="acknowledge-{world.appraisal.id}"' not in page
    assert "Composite" not in page  # scores stay hidden from the person until released
    before = snapshot("appraisal")
    response = _post(client, world, answer="agree")
    assert response.status_code == 422
    assert "not released yet" in text(response)
    assert snapshot("appraisal") == before


def test_agreeing_locks_the_appraisal(world, login):
    complete_and_release(world)
    client = login(world.person)
    response = _post(client, world, answer="agree")
    assert response.status_code == 303
    appraisal = _fresh(world)
    assert (appraisal.acknowledgement, appraisal.status) == ("agree", "acknowledged")
    assert appraisal.acknowledged_at is not None
    page = text(client.get(f"/reviews/appraisals/{world.appraisal.id}"))
    assert "You agreed with this result" in page and "The appraisal is now locked." in page
    before = snapshot("appraisal")
    again = _post(client, world, answer="disagree", note="改主意了")
    assert again.status_code == 422
    assert "Already acknowledged." in text(again)
    assert snapshot("appraisal") == before


def test_disagreeing_needs_a_note_beside_the_field(world, login):
    complete_and_release(world)
    client = login(world.person)
    before = snapshot("appraisal")
    response = _post(client, world, answer="disagree", note="  ", headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith(
        f'<section class="card acknowledge" id="acknowledge-{world.appraisal.id}">'
    )
    assert (
        field_error(response, "note")
        == "Say what you disagree with; it is recorded with your result."
    )
    assert snapshot("appraisal") == before
    recorded = _post(client, world, answer="disagree", note="同事评价样本太少")
    assert recorded.status_code == 303
    appraisal = _fresh(world)
    assert (appraisal.acknowledgement, appraisal.acknowledgement_note) == (
        "disagree",
        "同事评价样本太少",
    )


def test_no_answer_chosen_is_refused_beside_the_field(world, login):
    complete_and_release(world)
    response = _post(login(world.person), world)
    assert response.status_code == 422
    assert field_error(response, "answer") == "Choose agree or disagree."


def test_the_manager_sees_the_disagreement(world, login):
    complete_and_release(world)
    _post(login(world.person), world, answer="disagree", note="同事评价样本太少")
    page = text(login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}"))
    assert "郑堃 recorded their disagreement on" in page
    assert "同事评价样本太少" in page
    assert 'name="answer"' not in page


@pytest.mark.parametrize("who", ["manager", "director", "hr", "colleague"])
def test_nobody_else_answers_for_the_person(world, login, who):
    complete_and_release(world)
    before = snapshot("appraisal")
    response = _post(login(getattr(world, who)), world, answer="agree")
    assert response.status_code == 403
    assert snapshot("appraisal") == before
