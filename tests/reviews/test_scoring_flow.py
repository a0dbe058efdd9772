"""An appraisal computed end to end from stored rows: OKR score, peers, interview, adjustments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.appraisals.services import assign_rater, save_interview
from okr.calibration.results import finalize, override_grade
from okr.checkins.services import record_checkin
from okr.cycles.services import change_status, create_cycle
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.models import Adjustment
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.peer_reviews.services import save_peer_form
from okr.reviews.models import Appraisal, ReviewTemplate
from okr.reviews.services import breakdown, open_review, spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.format import TemplateFormatError, parse


@pytest.fixture
def setup(make_person, make_department):
    team = make_department("社群运营组")
    manager = make_person("吴昊", department=team)
    person = make_person("郑堃", department=team, manager=manager)
    peers = [make_person(n, department=team, manager=manager) for n in ("冯雨桐", "何静")]
    hr = make_person("林慧", is_admin=True)
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    objective = create_objective(
        cycle, "individual", ObjectiveData("粉丝增长", "", Decimal(100), None), person, owner=person
    )
    kr, _ = add_key_result(
        objective,
        KeyResultData(
            "粉丝数", "人", "increase", Decimal(100), start=Decimal(50000), target=Decimal(60000)
        ),
        person,
    )
    change_status(cycle, "running", hr)
    record_checkin(kr, "55000", "on_track", "", person, None)
    db.session.add(
        Adjustment(
            cycle_id=cycle.id,
            person_id=person.id,
            points=Decimal("-0.5"),
            reason="错别字",
            author_id=manager.id,
        )
    )
    template = ReviewTemplate(
        family="okr-default", version=1, name="默认", spec=BUILT_IN["okr-default"], built_in=True
    )
    db.session.add(template)
    db.session.flush()
    today = date.today()
    open_review(
        "2026 Q4 考核",
        cycle,
        template,
        [team.id],
        (today, today + timedelta(days=3), today + timedelta(days=7)),
        hr,
    )
    db.session.commit()
    appraisal = db.session.scalar(select(Appraisal).where(Appraisal.person_id == person.id))
    return appraisal, spec_of(template), manager, peers, hr


def _rate(values):
    return {f"rating-{k}": v for k, v in values.items()}


def test_composite_and_grade_from_every_part(setup):
    appraisal, spec, manager, peers, _hr = setup
    assert breakdown(appraisal, spec).complete is False  # nobody rated yet: reported, not zero
    for rater, ratings in zip(
        peers,
        (
            {"cooperation": "4", "innovation": "3", "execution": "5"},
            {"cooperation": "5", "innovation": "5", "execution": "5"},
        ),
        strict=True,
    ):
        form = assign_rater(appraisal, rater, manager)
        save_peer_form(form, appraisal, spec, _rate(ratings), "", True, None)
    save_interview(
        appraisal,
        spec,
        _rate({"results": "4", "skills": "4", "attitude": "3"}),
        {"purpose": "季度回顾"},
        "",
        True,
        None,
    )
    result = breakdown(appraisal, spec)
    # KR 0.5 × 60 = 30; peer mean(0.75, 1) = 0.875 × 20 = 17.5; interview 0.675 × 20 = 13.5; −0.5
    assert result.result.weighted_sum == Decimal("61")
    assert result.result.composite == Decimal("60.5")
    assert result.result.grade == "合格"
    assert result.result.needs_improvement_plan is True
    assert appraisal.status == "interviewed"


def test_the_person_cannot_rate_themself(setup):
    appraisal, _spec, manager, _peers, _hr = setup
    with pytest.raises(Invalid):
        assign_rater(appraisal, db.session.get(type(manager), appraisal.person_id), manager)


def test_finalized_appraisal_keeps_its_derivation_and_override_is_audited(setup):
    appraisal, spec, manager, peers, hr = setup
    for rater in peers:
        form = assign_rater(appraisal, rater, manager)
        save_peer_form(
            form,
            appraisal,
            spec,
            _rate({"cooperation": "5", "innovation": "5", "execution": "5"}),
            "",
            True,
            None,
        )
    save_interview(
        appraisal,
        spec,
        _rate({"results": "5", "skills": "5", "attitude": "5"}),
        {"purpose": "回顾"},
        "",
        True,
        None,
    )
    finalize(appraisal, spec)
    frozen = dict(appraisal.result)
    assert frozen["composite"] == "69.5"  # 30 + 20 + 20 − 0.5
    override_grade(appraisal, spec, "良好", "跨部门项目贡献突出", hr, None)
    assert (appraisal.grade, appraisal.final_grade) == ("合格", "良好")
    with pytest.raises(Invalid):
        override_grade(appraisal, spec, "优秀", "", hr, None)
    assert appraisal.result == frozen


def test_seed_004_weights_summing_to_110_are_refused_with_the_sum():
    data = dict(BUILT_IN["community-ops"])
    data["criteria"] = dict(data["criteria"])
    data["criteria"]["interview"] = [
        *data["criteria"]["interview"],
        {"key": "cost", "label": "运营成本", "weight": "10", "scale": ["0", "100"]},
    ]
    with pytest.raises(TemplateFormatError) as error:
        parse(data)
    assert "110" in error.value.messages[0]


@pytest.mark.parametrize("key", sorted(BUILT_IN))
def test_every_built_in_template_is_valid(key):
    assert parse(BUILT_IN[key]).name
