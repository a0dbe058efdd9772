"""Team evaluation: the chain assigns raters; only the assigned rater fills the form, until the deadline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from okr.appraisals.services import assign_rater
from okr.extensions import db
from okr.reviews.models import Appraisal, PeerForm
from tests.factories import World, build_world, rate, today
from tests.helpers import field_error, form_values, snapshot, text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _forms(world: World) -> dict[int, PeerForm]:
    db.session.expire_all()
    return {
        f.rater_id: f
        for f in db.session.scalars(
            select(PeerForm).where(PeerForm.appraisal_id == world.appraisal.id)
        )
    }


def _assigned(world: World, rater) -> PeerForm:
    form = assign_rater(world.appraisal, rater, world.manager)
    db.session.commit()
    return form


def _options(response) -> dict[str, str]:
    body = response.get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="rater".*?</select>', body, re.S).group(0)
    return dict(re.findall(r'<option[^>]*value="(\d+)"[^>]*>(.*?)</option>', select_html))


# Assigning raters ----------------------------------------------------------------------------


def test_suggestions_are_colleagues_of_the_department_never_the_person(world, login):
    response = login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}/raters")
    suggested = set(_options(response).values())
    assert suggested == {"冯雨桐", "何静", "孙悦"}  # not 郑堃 themself, not their manager


def test_the_manager_asks_a_colleague_and_can_withdraw_before_they_submit(world, login):
    client = login(world.manager)
    response = client.post(
        f"/reviews/appraisals/{world.appraisal.id}/raters",
        data={"rater": world.peers[0].id},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(
        f'<section class="card raters" id="raters-{world.appraisal.id}">'
    )
    assert "冯雨桐" in body and "<html" not in body
    form = _forms(world)[world.peers[0].id]
    assert form.assigned_by_id == world.manager.id
    assert "冯雨桐" not in _options(response).values()  # no longer suggested
    removed = client.post(f"/reviews/appraisals/{world.appraisal.id}/raters/{form.id}/remove")
    assert removed.status_code == 303
    assert _forms(world) == {}


def test_hr_and_the_director_can_assign_someone_outside_by_email(world, login):
    response = login(world.hr).post(
        f"/reviews/appraisals/{world.appraisal.id}/raters",
        data={"email": world.other_report.email.upper()},
    )
    assert response.status_code == 303
    login(world.director).post(
        f"/reviews/appraisals/{world.appraisal.id}/raters", data={"rater": world.colleague.id}
    )
    assert set(_forms(world)) == {world.other_report.id, world.colleague.id}


def test_the_person_is_never_their_own_rater(world, login):
    before = snapshot("peer_form")
    response = login(world.manager).post(
        f"/reviews/appraisals/{world.appraisal.id}/raters", data={"email": world.person.email}
    )
    assert response.status_code == 422
    assert field_error(response, "rater") == "Nobody rates themself in the team evaluation."
    assert snapshot("peer_form") == before


def test_unknown_email_or_nothing_chosen_is_refused_beside_the_field(world, login):
    client = login(world.manager)
    url = f"/reviews/appraisals/{world.appraisal.id}/raters"
    unknown = client.post(url, data={"email": "nobody@example.com"})
    assert unknown.status_code == 422
    assert field_error(unknown, "email") == "Nobody has this email address."
    assert form_values(unknown)["email"] == "nobody@example.com"
    empty = client.post(url, data={})
    assert empty.status_code == 422
    assert field_error(empty, "rater") == "Choose a colleague or enter an email address."
    twice = _assigned(world, world.peers[0])
    again = client.post(url, data={"rater": twice.rater_id})
    assert again.status_code == 422
    assert "already asked" in field_error(again, "rater")


def test_a_submitted_evaluation_cannot_be_withdrawn(world, login):
    form = _assigned(world, world.peers[0])
    login(world.peers[0]).post(
        f"/reviews/peer-forms/{form.id}",
        data={
            "action": "submit",
            "version": "1",
            **rate(cooperation="4", innovation="4", execution="4"),
        },
    )
    before = snapshot("peer_form")
    response = login(world.manager).post(
        f"/reviews/appraisals/{world.appraisal.id}/raters/{form.id}/remove",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "cannot be withdrawn" in text(response)
    assert snapshot("peer_form") == before


# The rater's form -----------------------------------------------------------------------------


def test_the_rater_lists_their_forms_with_deadlines(world, login):
    form = _assigned(world, world.peers[0])
    body = text(login(world.peers[0]).get("/reviews/peer-forms/"))
    assert f'id="peer-form-row-{form.id}"' in body
    assert "郑堃" in body and world.review.name in body
    assert "not started" in body
    other = text(login(world.peers[1]).get("/reviews/peer-forms/"))
    assert "Nobody asked you to rate them." in other


def test_the_rater_sees_the_criteria_with_labels_and_scales(world, login):
    form = _assigned(world, world.peers[0])
    response = login(world.peers[0]).get(f"/reviews/peer-forms/{form.id}")
    body = text(response)
    for label in ("合作能力", "创新能力", "执行能力"):
        assert label in body
    assert "From 1 to 5" in body
    assert "Team evaluation of 郑堃" in body


def test_a_draft_then_a_submission(world, login):
    form = _assigned(world, world.peers[0])
    client = login(world.peers[0])
    url = f"/reviews/peer-forms/{form.id}"
    draft = client.post(
        url, data={"action": "draft", "version": "1", "comment": "靠谱", **rate(cooperation="4")}
    )
    assert draft.status_code == 303
    saved = _forms(world)[world.peers[0].id]
    assert (saved.ratings, saved.comment, saved.submitted_at) == (
        {"cooperation": "4"},
        "靠谱",
        None,
    )
    submitted = client.post(
        url,
        data={
            "action": "submit",
            "version": str(saved.version),
            **rate(cooperation="4", innovation="3", execution="5"),
        },
        headers={"HX-Request": "true"},
    )
    assert submitted.status_code == 200
    body = submitted.get_data(as_text=True)
    assert "<html" not in body and f'id="peer-form-{form.id}"' in body
    assert "Evaluation submitted." in body
    assert _forms(world)[world.peers[0].id].submitted_at is not None


def test_bad_ratings_are_refused_beside_the_field(world, login):
    form = _assigned(world, world.peers[0])
    before = snapshot("peer_form")
    response = login(world.peers[0]).post(
        f"/reviews/peer-forms/{form.id}",
        data={"action": "submit", "version": "1", **rate(cooperation="0", innovation="3")},
    )
    assert response.status_code == 422
    assert field_error(response, "rating-cooperation") == "Use the scale from 1 to 5."
    assert field_error(response, "rating-execution") == "Rate this before submitting."
    assert form_values(response)["rating-innovation"] == "3"
    assert snapshot("peer_form") == before


def test_after_the_deadline_the_form_is_read_only_and_saving_is_refused(world, login):
    form = _assigned(world, world.peers[0])
    world.review.peer_deadline = today() - timedelta(days=1)
    db.session.commit()
    client = login(world.peers[0])
    page = client.get(f"/reviews/peer-forms/{form.id}")
    assert "this form is read-only" in text(page)
    assert "rating-cooperation" not in form_values(page)
    before = snapshot("peer_form")
    response = client.post(
        f"/reviews/peer-forms/{form.id}",
        data={
            "action": "submit",
            "version": "1",
            **rate(cooperation="4", innovation="4", execution="4"),
        },
    )
    assert response.status_code == 422
    assert "deadline for the team evaluation has passed" in text(response)
    assert snapshot("peer_form") == before


@pytest.mark.parametrize(
    "who", ["person", "manager", "director", "hr", "other_peer", "other_manager"]
)
def test_nobody_but_the_rater_opens_the_form(world, login, who):
    form = _assigned(world, world.peers[0])
    viewer = world.peers[1] if who == "other_peer" else getattr(world, who)
    assert login(viewer).get(f"/reviews/peer-forms/{form.id}").status_code == 403


def test_the_peer_status_on_the_dashboard_counts_without_names(world, login):
    _assigned(world, world.peers[0])
    appraisal = db.session.get(Appraisal, world.appraisal.id)
    assert appraisal.status == "draft"
    body = text(login(world.manager).get(f"/reviews/{world.review.id}"))
    row = re.search(rf'<tr id="appraisal-{world.appraisal.id}">(.*?)</tr>', body, re.S).group(1)
    assert "0 of 1" in row and "冯雨桐" not in row
