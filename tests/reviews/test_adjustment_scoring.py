"""Recorded bonuses and deductions in an appraisal's score: the template's kinds (fixed × count,
ranged as recorded), free-form points only where the template allows them, a row it cannot
score shown as a problem on every page that computes (never a 500), the same composite as the
simulator's for the same kinds."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from okr.calibration.results import finalize, finalizing
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.adjustments import add_adjustment
from okr.objectives.models import Adjustment
from okr.review_templates.simulator import read_inputs, simulate
from okr.reviews.models import ReviewTemplate
from okr.reviews.services import breakdown, spec_of
from okr.schemes.builtin import BUILT_IN
from tests.factories import World, build_world, complete
from tests.helpers import HTMX, text


@pytest.fixture
def world(make_person, make_department) -> World:
    world = build_world(make_person, make_department)
    complete(world.appraisal, world.spec, world.peers, world.manager, "4")
    db.session.commit()
    return world


def _codes(result) -> list[tuple[str, dict[str, str]]]:
    return [(s.code, s.params) for s in result.steps if s.code.startswith("adjust.")]


def test_fixed_kinds_count_times_their_points_and_ranged_ones_as_recorded(world):
    before = breakdown(world.appraisal, world.spec).result
    add = {"cycle": world.cycle, "person": world.person, "actor": world.manager}
    typos = add_adjustment(**add, kind="typo", count=3, reason="推文三处错别字")
    add_adjustment(**add, kind="major_error", count=2, points=Decimal(-3), reason="两次报价出错")
    add_adjustment(**add, kind="post_100k", reason="《双11攻略》10万+")
    db.session.commit()
    assert (typos.kind, typos.count, typos.points) == ("typo", 3, Decimal("-1.5"))
    result = breakdown(world.appraisal, world.spec).result
    assert result.adjustments.net == Decimal("-5.5")  # +2 − 1.5 − 6, no caps in okr-default
    assert result.composite == before.composite - Decimal("5.5")
    assert _codes(result) == [
        ("adjust.item", {"kind": "typo", "count": "3", "each": "-0.5", "points": "-1.5"}),
        (
            "adjust.item_ranged",
            {"kind": "major_error", "count": "2", "each": "-3", "points": "-6"}
            | {"low": "-5", "high": "-1"},
        ),
        ("adjust.item", {"kind": "post_100k", "count": "1", "each": "2", "points": "2"}),
        ("adjust.total", {"bonus": "2", "deduction": "7.5", "net": "-5.5"}),
    ]


def test_free_form_points_count_where_the_template_allows_them(world):
    row = add_adjustment(
        world.cycle, world.person, world.manager, points=Decimal(3), reason="临时支援大促"
    )
    db.session.commit()
    result = breakdown(world.appraisal, world.spec).result
    assert _codes(result)[0] == (
        "adjust.free",
        {"kind": f"临时支援大促 (#{row.id})", "points": "3"},
    )
    assert result.adjustments.net == Decimal(3)


def _strict_review(world: World) -> Adjustment:
    """A free-form row recorded under the cycle's scheme, then the review opened with a
    template that has only its kinds (the review's template decides the score)."""
    row = Adjustment(
        cycle_id=world.cycle.id,
        person_id=world.person.id,
        points=Decimal(3),
        reason="临时加分",
        author_id=world.manager.id,
    )
    spec = copy.deepcopy(BUILT_IN["okr-default"])
    spec["adjustments"] = {**spec["adjustments"], "free_form": False}
    strict = ReviewTemplate(family="strict", name="只按项目", spec=spec)
    db.session.add_all([row, strict])
    db.session.flush()
    world.review.template_id = strict.id
    db.session.commit()
    return row


def test_a_row_the_template_cannot_score_is_a_problem_on_every_page_not_an_error(world, login):
    row = _strict_review(world)
    problem = (
        f"“临时加分 (#{row.id})” is not one of this template's bonuses and deductions, and the "
        "template does not allow free-form ones."
    )
    spec = spec_of(db.session.get(ReviewTemplate, world.review.template_id))
    result = breakdown(world.appraisal, spec)
    assert result.result is None and not result.complete
    assert [p.code for p in result.problems] == ["adjust.free_form_refused"]
    assert result.to_data()["composite"] is None

    client = login(world.manager)
    for url in (
        f"/reviews/appraisals/{world.appraisal.id}",
        f"/reviews/appraisals/{world.appraisal.id}/interview?step=result",
        f"/reviews/{world.review.id}/calibration",
        f"/records/appraisals/{world.appraisal.id}",
    ):
        page = client.get(url) if "calibration" not in url else login(world.hr).get(url)
        assert page.status_code == 200, url
        assert problem in text(page), url
    score = login(world.manager).post(
        f"/reviews/appraisals/{world.appraisal.id}/interview/score",
        data=dict.fromkeys(("rating-results", "rating-skills", "rating-attitude"), "4"),
        headers=HTMX,
    )
    assert score.status_code == 200 and problem in text(score)  # the interview preview

    with pytest.raises(Invalid):  # cannot be finalized until the row is resolved
        finalize(world.appraisal, spec)
    tally = list(finalizing(world.review, spec, datetime(2026, 12, 1, tzinfo=UTC)))
    assert tally[-1].done == 0  # the finalize job passes over it: it stays open
    db.session.expire_all()
    assert world.appraisal.finalized_at is None


def test_the_record_shows_the_derivation_lines_of_the_kinds(world, login):
    add_adjustment(world.cycle, world.person, world.manager, kind="typo", count=2, reason="错字")
    db.session.commit()
    page = text(login(world.manager).get(f"/records/appraisals/{world.appraisal.id}"))
    assert "错别字: 2 × -0.5 = -1" in page


def test_a_real_appraisal_scores_as_the_simulator_does_for_the_same_kinds(world):
    counts = {"typo": 4, "duplicate_post": 1, "post_100k": 2}
    for kind, count in counts.items():
        add_adjustment(
            world.cycle, world.person, world.manager, kind=kind, count=count, reason="月报"
        )
    db.session.commit()
    real = breakdown(world.appraisal, world.spec)
    parts = real.parts
    sample = {
        "kr_percent": str(parts["kr"].fraction * 100),
        "peer": [dict.fromkeys(("cooperation", "innovation", "execution"), "4")] * 2,
        "interview": dict.fromkeys(("results", "skills", "attitude"), "4"),
        "adjustments": counts,
    }
    simulated = simulate(world.spec, read_inputs(world.spec, sample))
    assert real.result.composite == simulated.result.composite
    assert real.result.adjustments == simulated.result.adjustments
    assert real.result.grade == simulated.result.grade
