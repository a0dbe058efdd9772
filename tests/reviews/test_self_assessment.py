"""Self-assessment: the person rates each criterion on its scale and reflects; draft or submit."""

from __future__ import annotations

import pytest

from okr.extensions import db
from okr.reviews.models import Appraisal
from tests.factories import World, build_world, rate
from tests.helpers import field_error, form_values, snapshot, text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _post(client, world: World, action: str, version: int = 1, headers=None, **ratings):
    data = {
        "action": action,
        "version": str(version),
        "reflection": "带新人做了两次活动",
        **rate(**ratings),
    }
    return client.post(
        f"/reviews/appraisals/{world.appraisal.id}/self", data=data, headers=headers or {}
    )


def _fresh(world: World) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, world.appraisal.id)


def test_a_draft_keeps_partial_ratings_and_the_status(world, login):
    response = _post(login(world.person), world, "draft", results="4")
    assert response.status_code == 303
    appraisal = _fresh(world)
    assert appraisal.self_ratings == {"results": "4"}
    assert appraisal.self_reflection == "带新人做了两次活动"
    assert (appraisal.status, appraisal.self_submitted_at) == ("draft", None)
    page = login(world.person).get(f"/reviews/appraisals/{world.appraisal.id}")
    assert form_values(page)["rating-results"] == "4"


def test_submitting_moves_the_appraisal_on_and_then_it_is_read_only(world, login):
    client = login(world.person)
    response = _post(client, world, "submit", results="4", skills="3.5", attitude="5")
    assert response.status_code == 303
    appraisal = _fresh(world)
    assert appraisal.status == "self_assessed" and appraisal.self_submitted_at is not None
    assert appraisal.self_ratings == {"results": "4", "skills": "3.5", "attitude": "5"}
    page = client.get(f"/reviews/appraisals/{world.appraisal.id}")
    assert "rating-results" not in form_values(page)
    assert "Submitted on" in text(page)
    before = snapshot("appraisal")
    again = _post(client, world, "draft", version=appraisal.version, results="1")
    assert again.status_code == 422
    assert "can no longer change" in text(again)
    assert snapshot("appraisal") == before


def test_the_manager_reads_the_submitted_self_assessment(world, login):
    _post(login(world.person), world, "submit", results="4", skills="3", attitude="5")
    page = text(login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}"))
    assert "带新人做了两次活动" in page
    assert '<td>目标达成</td><td class="muted">1–5</td><td>4</td>' in page


def test_a_draft_is_private_to_the_person(world, login):
    _post(login(world.person), world, "draft", results="4")
    page = text(login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}"))
    assert "带新人做了两次活动" not in page
    assert "Not submitted yet." in page


def test_a_rating_outside_the_scale_is_refused_beside_its_field_and_kept(world, login):
    before = snapshot("appraisal")
    response = _post(login(world.person), world, "draft", results="7", skills="3")
    assert response.status_code == 422
    assert field_error(response, "rating-results") == "Use the scale from 1 to 5."
    values = form_values(response)
    assert (values["rating-results"], values["rating-skills"]) == ("7", "3")
    assert "带新人做了两次活动" in text(response)
    assert snapshot("appraisal") == before


def test_submitting_with_a_criterion_missing_is_refused_beside_it(world, login):
    response = _post(login(world.person), world, "submit", results="4", skills="3")
    assert response.status_code == 422
    assert field_error(response, "rating-attitude") == "Rate this before submitting."
    assert _fresh(world).self_submitted_at is None


def test_a_stale_save_is_refused_and_what_was_typed_is_kept(world, login):
    client = login(world.person)
    _post(client, world, "draft", results="2")
    before = snapshot("appraisal")
    response = _post(client, world, "draft", version=1, results="5", skills="5")  # opened at v1
    assert response.status_code == 422
    assert "Someone saved this appraisal after you opened it" in text(response)
    values = form_values(response)
    assert (values["rating-results"], values["rating-skills"]) == ("5", "5")
    assert values["version"] == str(_fresh(world).version)
    assert snapshot("appraisal") == before
    retry = _post(client, world, "draft", version=int(values["version"]), results="5", skills="5")
    assert retry.status_code == 303
    assert _fresh(world).self_ratings == {"results": "5", "skills": "5"}


def test_htmx_gets_the_section_back_with_the_status_out_of_band(world, login):
    response = _post(
        login(world.person),
        world,
        "submit",
        headers={"HX-Request": "true"},
        results="4",
        skills="3",
        attitude="5",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(
        f'<section class="card self-assessment" id="self-{world.appraisal.id}">'
    )
    assert f'id="appraisal-status-{world.appraisal.id}" hx-swap-oob="true">self-assessed' in body
    assert "Self-assessment submitted." in body
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_refusal_is_the_section_with_422(world, login):
    response = _post(
        login(world.person), world, "draft", headers={"HX-Request": "true"}, results="x"
    )
    assert response.status_code == 422
    assert "<html" not in response.get_data(as_text=True)
    assert field_error(response, "rating-results") == "Enter a number."


def test_once_the_review_is_no_longer_open_nothing_more_is_entered(world, login):
    world.review.status = "released"
    db.session.commit()
    client = login(world.person)
    page = client.get(f"/reviews/appraisals/{world.appraisal.id}")
    assert "rating-results" not in form_values(page)
    before = snapshot("appraisal")
    response = _post(client, world, "draft", results="4")
    assert response.status_code == 422
    assert "This review is closed for changes" in text(response)
    assert snapshot("appraisal") == before
