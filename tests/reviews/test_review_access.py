"""Who may open what in a running review; every write tried with the wrong user changes nothing.

`build_world` (used by the other review page tests) sets up a company with one review open:
HR, a director, a manager with three reports, a colleague, and another team with its manager.
"""

from __future__ import annotations

import pytest

from okr.appraisals.services import assign_rater
from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import PeerForm
from tests.factories import World, build_world, rate
from tests.helpers import snapshot


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _assign(world: World) -> PeerForm:
    form = assign_rater(world.appraisal, world.peers[0], world.manager)
    db.session.commit()
    return form


# Reading ------------------------------------------------------------------------------------


def test_an_employee_cannot_open_a_colleagues_appraisal(world, login):
    client = login(world.colleague)
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}").status_code == 403
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}/interview").status_code == 403
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}/raters").status_code == 403


def test_a_manager_of_another_team_cannot_open_the_appraisal(world, login):
    client = login(world.other_manager)
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}").status_code == 403
    assert client.get(f"/reviews/appraisals/{world.appraisal.id}/interview").status_code == 403


def test_the_person_their_chain_and_hr_open_the_appraisal(world, login):
    for viewer in (world.person, world.manager, world.director, world.hr):
        assert login(viewer).get(f"/reviews/appraisals/{world.appraisal.id}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/reviews/",
        "/reviews/new",
        "/reviews/todo",
        "/reviews/peer-forms/",
        "/reviews/{review}",
        "/reviews/appraisals/{appraisal}",
        "/reviews/appraisals/{appraisal}/interview",
        "/reviews/peer-forms/{form}",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(world, client, path):
    form = _assign(world)
    url = path.format(review=world.review.id, appraisal=world.appraisal.id, form=form.id)
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Writing with the wrong user --------------------------------------------------------------


WRITES = {
    "self": ("/reviews/appraisals/{appraisal}/self", {"action": "draft", **rate(results="4")}),
    "acknowledge": ("/reviews/appraisals/{appraisal}/acknowledge", {"answer": "agree"}),
    "add_rater": ("/reviews/appraisals/{appraisal}/raters", {"rater": "{colleague}"}),
    "remove_rater": ("/reviews/appraisals/{appraisal}/raters/{form}/remove", {}),
    "interview": (
        "/reviews/appraisals/{appraisal}/interview",
        {
            "action": "complete",
            "note-purpose": "回顾",
            **rate(results="5", skills="5", attitude="5"),
        },
    ),
    "peer_form": ("/reviews/peer-forms/{form}", {"action": "submit", **rate(cooperation="1")}),
}
WRONG = {
    "self": ("manager", "colleague", "hr", "other_manager"),
    "acknowledge": ("manager", "colleague", "hr"),
    "add_rater": ("person", "colleague", "other_manager"),
    "remove_rater": ("person", "colleague", "other_manager", "peer"),
    "interview": ("person", "colleague", "other_manager", "peer", "hr"),
    "peer_form": ("person", "manager", "director", "hr", "other_peer", "colleague"),
}


def _who(world: World, name: str) -> Person:
    return {"peer": world.peers[0], "other_peer": world.peers[1]}.get(name) or getattr(world, name)


@pytest.mark.parametrize(("write", "user"), [(w, u) for w, users in WRONG.items() for u in users])
def test_every_write_by_the_wrong_user_is_refused_and_changes_nothing(world, login, write, user):
    form = _assign(world)
    path, data = WRITES[write]
    values = {"appraisal": world.appraisal.id, "form": form.id, "colleague": world.colleague.id}
    data = {k: v.format(**values) for k, v in data.items()}
    before = snapshot("appraisal", "peer_form")
    response = login(_who(world, user)).post(path.format(**values), data=data)
    assert response.status_code == 403
    assert snapshot("appraisal", "peer_form") == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_anonymous_writes_are_refused_and_change_nothing(world, client, write):
    form = _assign(world)
    path, data = WRITES[write]
    values = {"appraisal": world.appraisal.id, "form": form.id, "colleague": world.colleague.id}
    before = snapshot("appraisal", "peer_form")
    response = client.post(
        path.format(**values), data={k: v.format(**values) for k, v in data.items()}
    )
    assert response.status_code == 302
    assert snapshot("appraisal", "peer_form") == before


def test_opening_a_review_is_for_hr_only(world, login):
    before = snapshot("review", "appraisal")
    client = login(world.manager)
    assert client.get("/reviews/new").status_code == 403
    response = client.post(
        "/reviews/new",
        data={
            "name": "x",
            "cycle_id": world.cycle.id,
            "template_id": world.template.id,
            "departments": [world.team.id],
            "self_deadline": "2030-01-01",
            "peer_deadline": "2030-01-02",
            "interview_deadline": "2030-01-03",
        },
    )
    assert response.status_code == 403
    assert snapshot("review", "appraisal") == before


def test_a_peer_form_of_another_appraisal_cannot_be_removed_through_this_one(world, login):
    form = _assign(world)
    other = world.appraisal_of(world.colleague)
    before = snapshot("peer_form")
    response = login(world.manager).post(f"/reviews/appraisals/{other.id}/raters/{form.id}/remove")
    assert response.status_code == 404
    assert snapshot("peer_form") == before
