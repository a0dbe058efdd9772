"""The review dashboard: counts per status and department, each appraisal's progress and live score."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from okr.appraisals.services import assign_rater
from okr.extensions import db
from okr.objectives.models import Adjustment
from okr.reviews.models import Appraisal
from tests.factories import PEER_KEYS, World, build_world, fill_peer_forms, interview_with
from tests.helpers import text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _row(response, appraisal_id):
    body = response.get_data(as_text=True)
    match = re.search(rf'<tr id="appraisal-{appraisal_id}">(.*?)</tr>', body, re.S)
    return match.group(1) if match else None


def _cell(row, css):
    return re.sub(
        r"<[^>]+>", "", re.search(rf'<td class="{css}">(.*?)</td>', row, re.S).group(1)
    ).strip()


def _score_everything(world: World) -> None:
    appraisal, spec = world.appraisal, world.spec
    fill_peer_forms(appraisal, spec, world.manager, world.peers, dict.fromkeys(PEER_KEYS, "5"))
    assign_rater(appraisal, world.colleague, world.manager)
    interview_with(
        appraisal, spec, {"results": "4", "skills": "4", "attitude": "3"}, {"purpose": "回顾"}
    )
    db.session.commit()


def test_hr_sees_counts_per_status_and_department_and_every_row(world, login):
    _score_everything(world)
    response = login(world.hr).get(f"/reviews/{world.review.id}")
    assert response.status_code == 200
    body = text(response)
    assert re.search(r'id="status-count-interviewed" href="[^"]*"><strong>1</strong>', body)
    assert re.search(r'id="status-count-draft" href="[^"]*"><strong>6</strong>', body)
    assert "社群运营组" in body and "SEO组" in body
    row = _row(response, world.appraisal.id)
    assert "郑堃" in row and "吴昊" in row
    assert _cell(row, "peer-count") == "2 of 3"
    assert _cell(row, "interview-done") == "✓"
    assert _cell(row, "self-done") == "—"
    # KR 0.5 × 60 = 30; peers 1 × 20 = 20; interview 0.675 × 20 = 13.5 -> 63.5, 合格
    assert _cell(row, "composite") == "63.5"
    assert _cell(row, "grade") == "合格"
    assert _row(response, world.appraisal_of(world.other_report).id) is not None
    assert f'href="/reviews/{world.review.id}/calibration"' in body  # HR goes on to calibrate


def test_the_composite_is_live_with_okr_progress(world, login):
    _score_everything(world)
    from okr.checkins.services import record_checkin

    record_checkin(world.kr, "60000", "on_track", "", world.person, None)
    db.session.commit()
    response = login(world.hr).get(f"/reviews/{world.review.id}")
    assert _cell(_row(response, world.appraisal.id), "composite") == "93.5"  # 60 + 20 + 13.5


def test_a_manager_sees_only_the_people_of_their_chain(world, login):
    response = login(world.manager).get(f"/reviews/{world.review.id}")
    assert response.status_code == 200
    assert _row(response, world.appraisal.id) is not None
    assert _row(response, world.appraisal_of(world.other_report).id) is None
    assert _row(response, world.appraisal_of(world.manager).id) is None  # not their own
    assert "/calibration" not in text(response)
    director = login(world.director).get(f"/reviews/{world.review.id}")
    assert _row(director, world.appraisal_of(world.other_report).id) is not None


def test_someone_without_people_in_the_review_is_refused(world, login):
    assert login(world.colleague).get(f"/reviews/{world.review.id}").status_code == 403


def test_filtering_by_status_returns_only_the_rows_fragment(world, login):
    _score_everything(world)
    response = login(world.hr).get(
        f"/reviews/{world.review.id}?status=interviewed", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(f'<section class="card" id="review-{world.review.id}-rows">')
    assert "HX-Request" in response.headers["Vary"]
    assert _row(response, world.appraisal.id) is not None
    assert body.count('<tr id="appraisal-') == 1


def test_filtering_by_department(world, login):
    response = login(world.hr).get(f"/reviews/{world.review.id}?department={world.other_team.id}")
    assert response.get_data(as_text=True).count('<tr id="appraisal-') == 2
    assert _row(response, world.appraisal_of(world.other_report).id) is not None


def test_the_reviews_list_shows_what_each_viewer_follows(world, login):
    assert world.review.name in text(login(world.hr).get("/reviews/"))
    assert world.review.name in text(login(world.manager).get("/reviews/"))
    mine = text(login(world.colleague).get("/reviews/"))
    assert f'id="review-{world.review.id}"' not in mine  # follows nobody
    assert f'id="my-appraisal-{world.appraisal_of(world.colleague).id}"' in mine


def test_the_dashboard_reads_a_fixed_number_of_queries(world, login, make_person, count_queries):
    client = login(world.hr)
    url = f"/reviews/{world.review.id}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for i in range(8):  # eight more people in the review, each with an adjustment and a rater
        newcomer = make_person(f"新人{i}", department=world.team, manager=world.manager)
        appraisal = Appraisal(
            review_id=world.review.id,
            person_id=newcomer.id,
            manager_id=world.manager.id,
            department_id=world.team.id,
        )
        db.session.add(appraisal)
        db.session.add(
            Adjustment(
                cycle_id=world.cycle.id,
                person_id=newcomer.id,
                points=Decimal(1),
                reason="好",
                author_id=world.manager.id,
            )
        )
        db.session.flush()
        assign_rater(appraisal, world.colleague, world.manager)
    db.session.commit()
    _score_everything(world)
    with count_queries() as many:
        response = client.get(url)
    assert response.get_data(as_text=True).count('<tr id="appraisal-') == 15
    assert many.count == few.count
    manager = login(world.manager)
    manager.get(url)
    with count_queries() as as_manager:
        manager.get(url)
    assert as_manager.count <= few.count + 1  # the chain is read once, whatever the size
