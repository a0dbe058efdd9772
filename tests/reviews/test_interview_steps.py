"""The interview as a guided step-through: one step at a time, a step list with what is done,
every move saves without losing text, and the live score beside it (computed by the services)."""

from __future__ import annotations

import re

import pytest

from okr.extensions import db
from okr.reviews.models import Appraisal
from tests.factories import World, build_world, peer_rate, rate
from tests.helpers import field_error, form_values, snapshot, text

HX = {"HX-Request": "true"}


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _url(world: World) -> str:
    return f"/reviews/appraisals/{world.appraisal.id}/interview"


def _fresh(world: World) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, world.appraisal.id)


def _shown_step(body: str) -> str:
    return re.search(r'<section class="card interview-step" id="step-(\w+)">', body).group(1)


def _step_states(body: str) -> dict[str, str]:
    """Each step of the step list with its state classes ('current', 'done')."""
    return {
        step: classes.strip()
        for classes, step in re.findall(r'<li class="step-item([^"]*)" id="step-link-(\w+)">', body)
    }


def _move(world: World, step: str, goto: str, **fields: str) -> dict[str, str]:
    return {"step": step, "goto": goto, "version": str(_fresh(world).version), **fields}


def test_one_step_is_shown_at_a_time_starting_with_the_first_not_done(world, login):
    client = login(world.manager)
    body = text(client.get(_url(world)))
    assert _shown_step(body) == "purpose"
    assert body.count('class="card interview-step"') == 1
    assert _step_states(body) == {
        "purpose": "current",
        "self_assessment": "",
        "result": "",
        "disagreement": "",
        "plan": "",
    }
    assert 'aria-current="step"' in body
    data = _move(world, "purpose", "self_assessment", **{"note-purpose": "回顾本季度"})
    response = client.post(_url(world), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/interview?step=self_assessment")
    body = text(client.get(_url(world)))  # coming back later picks up where it stopped
    assert _shown_step(body) == "self_assessment"
    assert _step_states(body)["purpose"] == "done"
    assert "回顾本季度" in body  # the first step's text travels along, hidden


def test_moving_on_saves_the_step_and_keeps_what_the_other_steps_hold(world, login):
    client = login(world.manager)
    client.post(_url(world), data=_move(world, "purpose", "result", **{"note-purpose": "目的"}))
    data = _move(
        world,
        "result",
        "disagreement",
        **{"note-purpose": "目的", "note-result": "粉丝目标完成一半"},
        **rate(results="4", skills="3"),
    )
    response = client.post(_url(world), data=data, headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert body.lstrip().startswith(f'<form class="interview" id="interview-{world.appraisal.id}"')
    assert _shown_step(body) == "disagreement"
    assert response.headers["HX-Push-Url"].endswith("/interview?step=disagreement")
    assert "Interview notes saved." in body
    values = form_values(response)
    assert values["note-purpose"] == "目的" and values["note-result"] == "粉丝目标完成一半"
    assert values["rating-results"] == "4" and values["rating-attitude"] == ""
    appraisal = _fresh(world)
    assert appraisal.interview_notes["result"] == "粉丝目标完成一半"
    assert appraisal.interview_ratings == {"results": "4", "skills": "3"}
    assert appraisal.interview_at is None  # moving is never completing


def test_previous_and_next_follow_the_order_and_the_last_step_completes(world, login):
    client = login(world.manager)
    body = text(client.get(_url(world), query_string={"step": "disagreement"}))
    assert 'name="goto" value="result"' in body and 'name="goto" value="plan"' in body
    body = text(client.get(_url(world), query_string={"step": "plan"}))
    assert 'name="action" value="complete"' in body
    assert "Next" not in re.search(
        r'<div class="actions step-actions">.*?</div>', body, re.S
    ).group(0)
    assert (
        _shown_step(text(client.get(_url(world), query_string={"step": "nonsense"}))) == "purpose"
    )


def test_completing_with_a_gap_in_an_earlier_step_shows_that_step_and_loses_nothing(world, login):
    client = login(world.manager)
    before = snapshot("appraisal")
    data = _move(
        world,
        "plan",
        "plan",
        action="complete",
        **{"note-purpose": "", "note-plan": "每周复盘"},
        **rate(results="4", skills="4", attitude="3"),
    )
    response = client.post(_url(world), data=data)
    assert response.status_code == 422
    assert _shown_step(text(response)) == "purpose"
    assert field_error(response, "note-purpose") == "Write down the purpose you stated (step 1)."
    assert form_values(response)["note-plan"] == "每周复盘"
    assert snapshot("appraisal") == before


def test_a_refused_rating_brings_back_the_result_step(world, login):
    client = login(world.manager)
    data = _move(world, "plan", "plan", **{"note-plan": "复盘"}, **rate(results="9"))
    response = client.post(_url(world), data=data)
    assert response.status_code == 422
    assert _shown_step(text(response)) == "result"
    assert field_error(response, "rating-results") == "Use the scale from 1 to 5."


# The live score ---------------------------------------------------------------------------


def _score_url(world: World) -> str:
    return f"/reviews/appraisals/{world.appraisal.id}/interview/score"


def test_the_live_score_follows_the_ratings_typed_without_storing_them(world, login, count_queries):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    client = login(world.manager)
    before = snapshot("appraisal")
    response = client.post(_score_url(world), data=rate(results="4", skills="4"), headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith(
        f'<aside class="interview-score" id="interview-score-{world.appraisal.id}"'
    )
    assert "Ratings missing for: 工作态度" in body  # incomplete: no composite yet
    with count_queries() as few:
        response = client.post(
            _score_url(world), data=rate(results="4", skills="4", attitude="3"), headers=HX
        )
    body = text(response)
    # 30 (key results) + 17.5 (peers) + 0.675 × 20 = 13.5 → 61
    assert "30 + 17.5 + 13.5 = 61" in body
    assert re.search(r'class="composite-value"><strong>61</strong>', body)
    assert "目标达成" in body and "Exceeds expectations" in body
    with count_queries() as again:
        client.post(_score_url(world), data=rate(results="5", skills="5", attitude="5"), headers=HX)
    assert again.count == few.count
    assert snapshot("appraisal") == before  # nothing stored


def test_a_rating_off_the_scale_does_not_count_in_the_live_score_and_says_why(world, login):
    response = login(world.manager).post(
        _score_url(world), data=rate(results="9", skills="4", attitude="3"), headers=HX
    )
    body = text(response)
    assert "Use the scale from 1 to 5." in body
    assert "Ratings missing for: 目标达成" in body


def test_the_live_score_asked_for_as_a_page_sends_to_the_interview(world, login):
    response = login(world.manager).post(_score_url(world), data=rate(results="4"))
    assert response.status_code == 303  # it was a 500: the fragment's page lacked its form
    assert response.headers["Location"].endswith(_url(world))


@pytest.mark.parametrize("who", ["person", "colleague", "other_manager", "hr"])
def test_only_those_who_hold_the_interview_get_its_live_score(world, login, who):
    response = login(getattr(world, who)).post(_score_url(world), data=rate(results="4"))
    assert response.status_code == 403


def test_read_only_readers_step_through_with_links(world, login):
    body = text(login(world.hr).get(_url(world), query_string={"step": "result"}))
    assert _shown_step(body) == "result"
    assert 'name="goto"' not in body
    assert f'href="{_url(world)}?step=plan"' in body
    assert 'hx-push-url="true"' in body
