"""What each person owes in open reviews, with deadlines and overdue items marked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from okr.appraisals.services import assign_rater
from okr.extensions import db
from tests.factories import SHEET_KEYS, World, build_world, interview_with, rate, self_assess, today
from tests.helpers import text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _section(body: str, kind: str) -> str | None:
    match = re.search(rf'<section class="card owed" id="owed-{kind}">(.*?)</section>', body, re.S)
    return match.group(1) if match else None


def test_the_person_owes_their_self_assessment_with_its_deadline(world, login):
    body = text(login(world.person).get("/reviews/todo"))
    own = _section(body, "self")
    assert own is not None
    assert f'href="/reviews/appraisals/{world.appraisal.id}#self-{world.appraisal.id}"' in own
    assert world.review.name in own
    assert "overdue" not in own
    assert _section(body, "peer") is None and _section(body, "interview") is None


def test_a_rater_owes_their_form_until_they_submit(world, login):
    form = assign_rater(world.appraisal, world.peers[0], world.manager)
    db.session.commit()
    client = login(world.peers[0])
    peer = _section(text(client.get("/reviews/todo")), "peer")
    assert f'href="/reviews/peer-forms/{form.id}"' in peer and "郑堃" in peer
    client.post(
        f"/reviews/peer-forms/{form.id}",
        data={
            "action": "submit",
            "version": "1",
            **rate(cooperation="4", innovation="4", execution="4"),
        },
    )
    assert _section(text(client.get("/reviews/todo")), "peer") is None


def test_the_manager_owes_the_interviews_of_their_direct_reports(world, login):
    body = text(login(world.manager).get("/reviews/todo"))
    interviews = _section(body, "interview")
    for name in ("郑堃", "冯雨桐", "何静", "孙悦"):
        assert name in interviews
    assert "赵敏" not in interviews  # another manager's report
    interview_with(world.appraisal, world.spec, dict.fromkeys(SHEET_KEYS, "4"), {"purpose": "回顾"})
    db.session.commit()
    assert "郑堃" not in _section(text(login(world.manager).get("/reviews/todo")), "interview")


def test_overdue_items_are_marked(world, login):
    world.review.self_deadline = today() - timedelta(days=1)
    db.session.commit()
    body = text(login(world.person).get("/reviews/todo"))
    assert "overdue" in _section(body, "self")
    assert "1 item is overdue." in body


def test_submitted_items_and_closed_reviews_are_not_owed(world, login):
    self_assess(world.appraisal, world.spec, dict.fromkeys(SHEET_KEYS, "4"))
    db.session.commit()
    assert _section(text(login(world.person).get("/reviews/todo")), "self") is None
    world.review.status = "closed"
    db.session.commit()
    body = text(login(world.manager).get("/reviews/todo"))
    assert "Nothing to do" in body


def test_the_navigation_links_to_the_todo_page(world, login):
    body = login(world.colleague).get("/reviews/todo").get_data(as_text=True)
    assert re.search(r'<nav class="mainnav".*?href="/reviews/todo" aria-current="page"', body, re.S)


def test_the_page_reads_a_fixed_number_of_queries(world, login, count_queries):
    client = login(world.manager)
    client.get("/reviews/todo")
    with count_queries() as few:
        client.get("/reviews/todo")
    for peer in world.peers:
        assign_rater(world.appraisal_of(peer), world.manager, world.manager)
        assign_rater(world.appraisal_of(world.colleague), peer, world.manager)
    assign_rater(world.appraisal, world.manager, world.director)
    db.session.commit()
    with count_queries() as many:
        body = text(client.get("/reviews/todo"))
    assert _section(body, "peer").count("<tr") == 4  # header + three forms
    assert many.count == few.count
