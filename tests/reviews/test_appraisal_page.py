"""The appraisal page: OKR results beside the self-assessment, scores with every derivation line,
the peer aggregate only past the minimum, frozen figures once finalized, fixed query counts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from okr.appraisals.services import assign_rater
from okr.checkins.services import record_checkin
from okr.explain import describe
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from tests.factories import World, build_world, complete_and_release, interview_world, peer_rate
from tests.helpers import text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def section(response, element_id: str) -> str:
    body = response.get_data(as_text=True)
    match = re.search(rf'<section[^>]*id="{element_id}".*?</section>', body, re.S)
    assert match, element_id
    return match.group(0)


def test_the_person_sees_their_okr_results_beside_the_self_assessment_and_no_scores(world, login):
    response = login(world.person).get(f"/reviews/appraisals/{world.appraisal.id}")
    assert response.status_code == 200
    okrs = section(response, f"okr-results-{world.appraisal.id}")
    assert "粉丝增长" in okrs and "粉丝数" in okrs and "50%" in okrs
    own = section(response, f"self-{world.appraisal.id}")
    for label in ("目标达成", "专业能力", "工作态度"):
        assert label in own
    assert "From 1 to 5" in own
    body = text(response)
    assert "Your scores appear here once HR releases the results." in body
    assert f'id="scores-{world.appraisal.id}"' in body and "Composite" not in body


def test_the_manager_sees_every_part_missing_with_its_reason_and_the_rounding_rule(world, login):
    response = login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}")
    scores = text(response)
    assert "Not scored yet" in scores
    assert describe("peer.too_few_raters", {"count": "0", "minimum": "2"}) in scores
    assert describe("review.not_rated", {"part": "interview"}) in scores
    assert "A missing part is never counted as zero" in scores
    assert "shown rounded half up to 2 decimals" in scores
    row = re.search(r'<tr id="part-\d+-kr">(.*?)</tr>', scores, re.S).group(1)
    assert "50%" in row and "<td>30</td>" in row  # 0.5 × 60% × 100


def test_the_chain_sees_every_derivation_line_of_the_live_score(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    interview_world(world)
    response = login(world.director).get(f"/reviews/appraisals/{world.appraisal.id}")
    body = text(response)
    assert "Live: changes until finalized" in body
    assert "(0.75 + 1) ÷ 2 = 1.75 ÷ 2 = 0.875" in body  # the peer mean
    assert "30 + 17.5 + 13.5 = 61" in body
    assert "61 ≥ 60: grade 合格" in body
    assert re.search(r'class="composite-value"><strong>61</strong>', body)
    assert "This grade calls for an improvement plan." in body


def test_the_peer_aggregate_is_withheld_below_the_minimum_with_no_single_rater_shown(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    response = login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}")
    body = text(response)
    assert "Shown once at least 2 raters have submitted (1 so far)" in body
    derivation = re.search(r'<ol class="steps derivation">(.*?)</ol>', body, re.S).group(1)
    assert "Rater " not in derivation
    assert "0.75" not in derivation  # that one rater's fraction


def test_past_the_minimum_the_peer_section_shows_means_per_criterion_only(world, login):
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    response = login(world.manager).get(f"/reviews/appraisals/{world.appraisal.id}")
    aggregate = re.search(
        rf'<div class="peer-aggregate" id="peer-aggregate-{world.appraisal.id}">(.*?)</div>',
        text(response),
        re.S,
    ).group(1)
    assert "Average of 2 raters" in aggregate
    rows = re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>", aggregate)
    assert rows == [("合作能力", "1–5", "4.5"), ("创新能力", "1–5", "4"), ("执行能力", "1–5", "5")]
    assert "Peer score: 87.5%" in aggregate
    for name in ("冯雨桐", "何静"):
        assert name not in aggregate


def test_after_release_the_person_sees_the_frozen_breakdown_and_never_a_rater(world, login):
    complete_and_release(world)
    record_checkin(world.kr, "60000", "on_track", "", world.person, None)  # OKRs move on
    db.session.commit()
    response = login(world.person).get(f"/reviews/appraisals/{world.appraisal.id}")
    body = text(response)
    assert "Finalized on" in body
    assert re.search(r'class="composite-value"><strong>61</strong>', body)  # not 91
    assert "30 + 17.5 + 13.5 = 61" in body
    for name in ("冯雨桐", "何静"):
        assert name not in body
    assert f'id="acknowledge-{world.appraisal.id}"' in body


def test_hr_sees_the_calibrated_final_grade_beside_the_computed_one(world, login):
    from okr.calibration.results import override_grade

    complete_and_release(world)
    override_grade(world.appraisal, world.spec, "良好", "跨部门项目贡献突出", world.hr, None)
    db.session.commit()
    body = text(login(world.hr).get(f"/reviews/appraisals/{world.appraisal.id}"))
    assert re.search(r'class="grade-value"><strong>合格</strong>', body)
    assert re.search(r'class="final-grade"><strong>良好</strong>', body)


def test_the_raters_section_is_one_fragment_for_htmx(world, login):
    response = login(world.manager).get(
        f"/reviews/appraisals/{world.appraisal.id}/raters", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(
        f'<section class="card raters" id="raters-{world.appraisal.id}">'
    )
    assert "HX-Request" in response.headers["Vary"]


def _more_objectives(world: World, count: int) -> None:
    """Add objectives with key results for the person straight in the tables (set-up only)."""
    for i in range(count):
        objective = Objective(
            cycle_id=world.cycle.id,
            level="individual",
            title=f"目标{i}",
            owner_id=world.person.id,
            department_id=world.team.id,
            weight=Decimal(0),
            progress=Decimal("0.4"),
            position=i + 1,
        )
        db.session.add(objective)
        db.session.flush()
        for j in range(3):
            db.session.add(
                KeyResult(
                    objective_id=objective.id,
                    title=f"KR{i}-{j}",
                    kind="increase",
                    weight=Decimal(0),
                    start=Decimal(0),
                    target=Decimal(10),
                    progress=Decimal("0.4"),
                )
            )
    db.session.commit()


@pytest.mark.parametrize("viewer", ["person", "manager"])
def test_the_page_reads_a_fixed_number_of_queries(world, login, count_queries, viewer):
    client = login(getattr(world, viewer))
    url = f"/reviews/appraisals/{world.appraisal.id}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _more_objectives(world, 5)
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    assign_rater(world.appraisal, world.colleague, world.manager)
    db.session.commit()
    with count_queries() as many:
        response = client.get(url)
    assert "KR4-2" in text(response)
    assert many.count == few.count
