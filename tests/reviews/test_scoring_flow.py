"""An appraisal computed end to end from stored rows: OKR score, peers, interview, adjustments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from okr.appraisals.services import assign_rater
from okr.calibration.results import finalize, override_grade
from okr.errors import Invalid
from okr.extensions import db
from okr.reviews.services import breakdown, spec_of
from okr.schemes.builtin import BUILT_IN
from okr.schemes.format import TemplateFormatError, parse
from tests.factories import (
    PEER_KEYS,
    SHEET_KEYS,
    appraisal_of,
    community_team,
    fill_peer_forms,
    interview_with,
    opened_review,
    running_quarter,
    store_template,
    typo_deduction,
)


@pytest.fixture
def setup(make_person, make_department):
    team, manager, person, peers, hr = community_team(make_department, make_person)
    cycle, _objective, _kr = running_quarter(date(2026, 11, 21), person, hr)
    typo_deduction(cycle, person, manager)
    template = store_template(name="默认")
    review = opened_review(cycle, template, [team], hr)
    db.session.commit()
    return appraisal_of(review, person), spec_of(template), manager, peers, hr


def test_composite_and_grade_from_every_part(setup):
    appraisal, spec, manager, peers, _hr = setup
    assert breakdown(appraisal, spec).complete is False  # nobody rated yet: reported, not zero
    fill_peer_forms(
        appraisal,
        spec,
        manager,
        peers,
        [
            {"cooperation": "4", "innovation": "3", "execution": "5"},
            {"cooperation": "5", "innovation": "5", "execution": "5"},
        ],
    )
    interview_with(appraisal, spec, {"results": "4", "skills": "4", "attitude": "3"})
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
    fill_peer_forms(appraisal, spec, manager, peers, dict.fromkeys(PEER_KEYS, "5"))
    interview_with(appraisal, spec, dict.fromkeys(SHEET_KEYS, "5"), {"purpose": "回顾"})
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


def test_a_real_appraisal_is_graded_on_every_indicator_under_seed_000(make_person, make_department):
    """100/100/100/100/0 sums to 90 on 网络营销专员绩效考核表 but is not outstanding on all."""
    team, _manager, person, _peers, hr = community_team(make_department, make_person)
    cycle, _objective, _kr = running_quarter(date(2026, 11, 21), person, hr)
    template = store_template("marketing-specialist")
    review = opened_review(cycle, template, [team], hr)
    db.session.commit()
    appraisal, spec = appraisal_of(review, person), spec_of(template)
    ratings = {"sales": "100", "promotion": "100", "ads": "100", "online": "100", "care": "0"}
    interview_with(appraisal, spec, ratings)
    result = breakdown(appraisal, spec).result
    assert (result.composite, result.grade) == (Decimal(90), "良好")
    assert [s.code for s in result.steps][-3:] == [
        "grade.condition_unmet",
        "grade.condition_met",
        "grade.band",
    ]
    interview_with(appraisal, spec, ratings | {"care": "80"})
    assert breakdown(appraisal, spec).result.grade == "优秀"


def test_the_appraisal_shows_the_templates_rewards_and_penalties(
    make_person, make_department, client, login
):
    """Seed 000's 120-point scheme: 低于65分惩处50-200元, shown with its derivation."""
    team, _manager, person, _peers, hr = community_team(make_department, make_person)
    cycle, _objective, _kr = running_quarter(date(2026, 11, 21), person, hr)
    template = store_template("marketing-dept-120")
    review = opened_review(cycle, template, [team], hr)
    db.session.commit()
    appraisal, spec = appraisal_of(review, person), spec_of(template)
    interview_with(appraisal, spec, {"results": "1", "skills": "1", "attitude": "1"})
    db.session.commit()
    login(hr)
    page = client.get(f"/reviews/appraisals/{appraisal.id}").get_data(as_text=True)
    # KR 0.5 × 70% × 120 = 42, interview 0: 42 < 65
    assert "低于65分惩处: a score of 42, so -200…-50 yuan." in page
    assert "超过108分奖励" not in page
