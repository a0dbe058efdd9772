"""The one-on-one interview: five steps in order, the manager's ratings and notes, draft or complete."""

from __future__ import annotations

import re

import pytest

from okr.calibration.results import finalize
from okr.extensions import db
from okr.reviews.models import Appraisal
from tests.factories import World, build_world, peer_rate, rate, self_assess
from tests.helpers import field_error, form_values, snapshot, text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _url(world: World) -> str:
    return f"/reviews/appraisals/{world.appraisal.id}/interview"


def _data(action="draft", version=1, **over):
    data = {
        "action": action,
        "version": str(version),
        "note-purpose": "回顾本季度，确认结果，商定改进",
        "note-self_assessment": "自评偏高",
        "note-result": "粉丝目标完成一半",
        "disagreement": "认为粉丝目标定得过高",
        "note-disagreement": "下季度一起定目标",
        "note-plan": "每周复盘",
        **rate(results="4", skills="4", attitude="3"),
    }
    data.update(over)
    return data


def _fresh(world: World) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, world.appraisal.id)


def test_the_five_steps_come_in_order_with_the_self_assessment_read_only(world, login):
    self_assess(
        world.appraisal, world.spec, {"results": "5", "skills": "4", "attitude": "4"}, "做得不错"
    )
    db.session.commit()
    # One step at a time: the step list gives the order, each step is its own page.
    response = login(world.manager).get(_url(world))
    assert response.status_code == 200
    body = text(response)
    steps = re.findall(r'<li class="step-item[^"]*" id="step-link-(\w+)">', body)
    assert steps == ["purpose", "self_assessment", "result", "disagreement", "plan"]
    page = text(login(world.manager).get(_url(world), query_string={"step": "self_assessment"}))
    own = re.search(r'id="step-self_assessment">(.*?)</section>', page, re.S).group(1)
    assert "做得不错" in own
    assert '<td>目标达成</td><td class="muted">1–5</td><td>5</td>' in own
    assert 'name="rating-results"' not in own  # the employee's ratings are read, not edited
    page = text(login(world.manager).get(_url(world), query_string={"step": "result"}))
    result = re.search(r'id="step-result">(.*?)</section>', page, re.S).group(1)
    assert 'name="rating-results"' in result  # the manager's own ratings
    beside = re.search(r'<aside class="interview-score".*?</aside>', page, re.S).group(0)
    assert "How this was computed" in beside  # the live score sits beside the step
    assert "0.5 × 60% × 100 = 30" in beside  # the key-result part


def test_a_draft_keeps_notes_and_ratings_without_completing(world, login):
    response = login(world.manager).post(_url(world), data=_data())
    assert response.status_code == 303
    appraisal = _fresh(world)
    assert appraisal.interview_notes["purpose"] == "回顾本季度，确认结果，商定改进"
    assert appraisal.interview_notes["disagreement"] == "下季度一起定目标"
    assert appraisal.disagreement == "认为粉丝目标定得过高"
    assert appraisal.interview_ratings == {"results": "4", "skills": "4", "attitude": "3"}
    assert (appraisal.interview_at, appraisal.status) == (None, "draft")
    page = login(world.manager).get(_url(world))
    assert form_values(page)["rating-attitude"] == "3"
    assert "认为粉丝目标定得过高" in text(page)


def test_completing_records_the_interview_and_shows_the_result_with_its_derivation(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    response = login(world.manager).post(
        _url(world),
        data=_data("complete", version=_fresh(world).version),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert body.lstrip().startswith(f'<form class="interview" id="interview-{world.appraisal.id}"')
    assert "Interview completed." in body
    assert "30 + 17.5 + 13.5 = 61" in body
    appraisal = _fresh(world)
    assert appraisal.status == "interviewed" and appraisal.interview_at is not None


def test_completing_without_the_purpose_is_refused_beside_step_one(world, login):
    before = snapshot("appraisal")
    response = login(world.manager).post(
        _url(world), data=_data("complete", **{"note-purpose": ""})
    )
    assert response.status_code == 422
    assert field_error(response, "note-purpose") == "Write down the purpose you stated (step 1)."
    assert form_values(response)["rating-results"] == "4"
    assert snapshot("appraisal") == before


def test_ratings_out_of_scale_or_missing_are_refused_beside_the_field(world, login):
    before = snapshot("appraisal")
    response = login(world.manager).post(
        _url(world), data=_data("complete", **rate(results="9", skills="")), follow_redirects=False
    )
    assert response.status_code == 422
    assert field_error(response, "rating-results") == "Use the scale from 1 to 5."
    assert field_error(response, "rating-skills") == "Rate this before submitting."
    assert "认为粉丝目标定得过高" in text(response)
    assert snapshot("appraisal") == before


def test_a_stale_interview_save_is_refused_and_nothing_is_lost(world, login):
    client = login(world.manager)
    client.post(_url(world), data=_data())
    before = snapshot("appraisal")
    response = client.post(_url(world), data=_data(version=1, **{"note-plan": "新计划"}))
    assert response.status_code == 422
    assert "Someone saved this appraisal after you opened it" in text(response)
    assert "新计划" in text(response)
    assert snapshot("appraisal") == before


def test_the_director_may_hold_it_and_hr_only_reads_it(world, login):
    assert login(world.director).post(_url(world), data=_data()).status_code == 303
    page = login(world.hr).get(_url(world))
    assert page.status_code == 200
    assert "Read-only" in text(page)
    assert "<fieldset disabled>" in page.get_data(as_text=True)


def test_a_finalized_appraisal_interview_is_read_only(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    login(world.manager).post(_url(world), data=_data("complete", version=_fresh(world).version))
    appraisal = _fresh(world)
    finalize(appraisal, world.spec)
    db.session.commit()
    before = snapshot("appraisal")
    response = login(world.manager).post(_url(world), data=_data(version=_fresh(world).version))
    assert response.status_code == 422
    assert "finalized" in text(response)
    assert snapshot("appraisal") == before
    assert "Read-only" in text(login(world.manager).get(_url(world)))


def test_the_plan_step_links_to_the_plan_page_only_when_it_exists(world, login, app, monkeypatch):
    plan_href = f"/reviews/appraisals/{world.appraisal.id}/plan"
    plan_step = {"step": "plan"}
    if "plans.show" in app.view_functions:
        assert plan_href in text(login(world.manager).get(_url(world), query_string=plan_step))
    monkeypatch.delitem(app.view_functions, "plans.show", raising=False)
    body = text(login(world.manager).get(_url(world), query_string=plan_step))
    assert 'id="step-plan"' in body
    assert plan_href not in body


def test_the_interview_page_reads_a_fixed_number_of_queries(world, login, count_queries):
    client = login(world.manager)
    client.get(_url(world))
    with count_queries() as few:
        assert client.get(_url(world)).status_code == 200
    self_assess(
        world.appraisal, world.spec, {"results": "5", "skills": "4", "attitude": "4"}, "做得不错"
    )
    db.session.commit()
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    client.post(_url(world), data=_data(version=_fresh(world).version))
    with count_queries() as many:
        assert client.get(_url(world)).status_code == 200
    assert many.count == few.count
