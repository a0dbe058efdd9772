"""Edits go through the same checks as submit (issue 12 item 10).

A weight is 0-100 on every path; a submitted or approved set that an edit leaves failing the
submit checks goes back to its owner, visibly (status "returned" with the reason, an audit line,
a message after the save), never staying approved; a gap between tiers needs the person's
confirmation; overlapping tiers and a target equal to its start are always refused.
"""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.domain.tiers import Tier
from okr.errors import Invalid
from okr.extensions import db
from okr.kr_templates.services import TemplateData, apply_template, save_template
from okr.objectives.approval import decide_set, submit_set
from okr.objectives.models import KeyResult, Objective, ObjectiveChange
from okr.objectives.rules import tier_to_dict
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import TemplateInvalid, read_json, validate
from tests.factories import care_team, draft_objective, q4_cycle
from tests.helpers import field_error, flashes, form_values, text


@pytest.fixture
def org(make_person, make_department, admin):
    team, lead, agent = care_team(make_department, make_person)
    cycle = q4_cycle()
    objective = draft_objective(cycle, agent, "提升客户满意度")
    loaded = db.session.get(Objective, objective.id)
    krs = [
        add_key_result(
            loaded,
            KeyResultData(title, "%", "increase", Decimal(weight), Decimal(0), Decimal(100)),
            agent,
        )[0]
        for title, weight in (("一次解决率", 40), ("满意度", 40), ("回访率", 20))
    ]
    submit_set(loaded, agent)
    decide_set(loaded, lead, True, "")
    db.session.commit()
    return SimpleNamespace(
        admin=admin, team=team, lead=lead, agent=agent, cycle=cycle, objective=objective, krs=krs
    )


def _edit_kr(client, kr, **changes):
    data = {
        "title": kr.title,
        "unit": kr.unit,
        "kind": kr.kind,
        "weight": str(kr.weight),
        "start": str(kr.start),
        "target": str(kr.target),
        "direction": "up",
        "version": str(kr.version),
        **changes,
    }
    return client.post(f"/okrs/key-results/{kr.id}/edit", data=data)


def _objective(org):
    db.session.expire_all()
    return db.session.get(Objective, org.objective.id)


@pytest.mark.parametrize("weight", ["-10", "110", "100.5"])
def test_a_key_result_weight_outside_0_to_100_is_refused(client, login, org, weight):
    response = _edit_kr(login(org.agent), org.krs[0], weight=weight)
    assert response.status_code == 422
    assert field_error(response, "weight") == f"Enter a number from 0 to 100, not {weight}."
    assert form_values(response)["weight"] == weight
    db.session.expire_all()
    assert db.session.get(KeyResult, org.krs[0].id).weight == Decimal(40)


def test_a_weight_outside_0_to_100_is_refused_by_the_service_too(org):
    loaded = db.session.get(Objective, org.objective.id)
    with pytest.raises(Invalid) as exc:
        add_key_result(
            loaded, KeyResultData("x", "", "at_least", Decimal(110), target=Decimal(1)), org.agent
        )
    assert set(exc.value.errors) == {"weight"}
    with pytest.raises(Invalid) as exc:
        create_objective(
            org.cycle,
            "individual",
            ObjectiveData("负权重", "", Decimal(-10), None),
            org.agent,
            owner=org.agent,
        )
    assert set(exc.value.errors) == {"weight"}


def test_an_edit_that_breaks_an_approved_sum_sends_the_set_back_visibly(client, login, org):
    client = login(org.agent)
    response = _edit_kr(client, org.krs[0], weight="50")  # 50 + 40 + 20 = 110
    assert response.status_code == 303
    shown = flashes(client.get(response.headers["Location"]))
    withdrawn = (
        "The key-result weights of “提升客户满意度” add up to 110%, not 100%. Approval was "
        "withdrawn: these OKRs are back with their owner; fix the weights and submit them again."
    )
    assert "Key result saved." in shown and withdrawn in shown
    objective = _objective(org)
    assert (objective.status, objective.review_comment) == ("returned", withdrawn)
    change = db.session.scalar(select(ObjectiveChange).where(ObjectiveChange.action == "reopened"))
    assert change.details == {"comment": withdrawn} and change.actor_id == org.agent.id
    page = text(client.get(f"/okrs/objectives/{org.objective.id}"))
    assert f"Returned: {withdrawn}" in page
    assert "withdrew the approval: the checks no longer pass" in page
    set_page = text(client.get(f"/okrs/people/{org.agent.id}"))
    assert f"Returned: {withdrawn}" in set_page and "Submit for approval" in set_page

    # fixing the weights does not approve by itself: the set is submitted and approved again
    assert (
        _edit_kr(client, db.session.get(KeyResult, org.krs[1].id), weight="30").status_code == 303
    )
    assert _objective(org).status == "returned"
    assert client.post(f"/okrs/objectives/{org.objective.id}/submit").status_code == 303
    login(org.lead)
    client.post(f"/okrs/objectives/{org.objective.id}/decide", data={"decision": "approve"})
    assert _objective(org).status == "approved"


def test_an_edit_that_keeps_the_sum_keeps_the_approval_and_is_audited(client, login, org):
    response = _edit_kr(login(org.agent), org.krs[0], target="120")
    assert response.status_code == 303
    assert _objective(org).status == "approved"
    change = db.session.scalar(select(ObjectiveChange).where(ObjectiveChange.action == "kr_edited"))
    assert change.details["changes"] == {"target": ["100", "120"]}


@pytest.mark.parametrize("how", ["add_kr", "delete_kr", "objective_weight", "add_objective"])
def test_every_edit_of_an_approved_set_runs_the_submit_checks(client, login, org, how):
    client = login(org.agent)
    if how == "add_kr":
        response = client.post(
            f"/okrs/objectives/{org.objective.id}/key-results/new",
            data={"title": "投诉率", "kind": "at_most", "weight": "10", "target": "1"},
        )
    elif how == "delete_kr":
        kr = org.krs[2]
        response = client.post(f"/okrs/key-results/{kr.id}/delete", data={"version": kr.version})
    elif how == "objective_weight":
        objective = _objective(org)
        response = client.post(
            f"/okrs/objectives/{objective.id}/edit",
            data={
                "title": objective.title,
                "weight": "90",
                "progress_rule": "own_krs",
                "version": str(objective.version),
            },
        )
    else:
        response = client.post(
            f"/okrs/objectives/new?cycle={org.cycle.id}&level=individual",
            data={"title": "学习新产品", "weight": "20", "progress_rule": "own_krs"},
        )
    assert response.status_code in (302, 303)
    assert _objective(org).status == "returned"
    assert any(
        "Approval was withdrawn" in f for f in flashes(client.get(response.headers["Location"]))
    )


def test_approving_refuses_a_set_whose_weights_do_not_add_up(org):
    objective = _objective(org)
    objective.status = "submitted"
    db.session.get(KeyResult, org.krs[0].id).weight = Decimal(110)  # stored before this check
    db.session.commit()
    with pytest.raises(Invalid) as exc:
        decide_set(_objective(org), org.lead, True, "")
    assert "add up to 170%, not 100%" in exc.value.errors["_"]


def test_company_objectives_are_submitted_and_approved_like_every_set(client, login, org):
    client = login(org.admin)
    for title, weight in (("线上销售额增长30%", "60"), ("品牌影响力", "40")):
        response = client.post(
            f"/okrs/objectives/new?cycle={org.cycle.id}&level=company",
            data={"title": title, "weight": weight, "progress_rule": "children"},
        )
        assert response.status_code == 303
    company = db.session.scalars(select(Objective).where(Objective.level == "company")).all()
    assert {o.status for o in company} == {"draft"}
    page = text(client.get(f"/okrs/company?cycle={org.cycle.id}"))
    assert "Submit for approval" in page
    assert client.post(f"/okrs/objectives/{company[0].id}/submit").status_code == 303
    client.post(f"/okrs/objectives/{company[0].id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    assert {
        o.status for o in db.session.scalars(select(Objective).where(Objective.level == "company"))
    } == {"approved"}


# Tiers --------------------------------------------------------------------------------

GAP = "[3000, 3500) 5\n(3500, ) 8"  # the seed's "3000 <= r < 3500: 5; r > 3500: 8": 3500 scores 0


def _tiers_form(tiers, **extra):
    return {
        "title": "回复数",
        "kind": "tiers",
        "weight": "0",
        "unit": "条",
        "tiers": tiers,
        **extra,
    }


def test_a_tier_gap_is_refused_with_a_box_to_confirm_it(client, login, org):
    url = f"/okrs/objectives/{org.objective.id}/key-results/new"
    response = login(org.agent).post(url, data=_tiers_form(GAP))
    assert response.status_code == 422
    assert field_error(response, "tiers") == (
        "Values between tier [3000, 3500) and tier (3500, +inf) match no tier and score 0."
    )
    assert field_error(response, "confirm_gaps") == (
        "Close the gap, or tick this if values in it should score 0 points."
    )
    assert "I mean this gap" in text(response)
    assert form_values(response)["confirm_gaps"] is False
    saved = client.post(url, data=_tiers_form(GAP, confirm_gaps="y"))
    assert saved.status_code == 303
    kr = db.session.scalar(select(KeyResult).where(KeyResult.title == "回复数"))
    edit = client.get(f"/okrs/key-results/{kr.id}/edit")
    assert form_values(edit)["confirm_gaps"] is True  # kept ticked: the gap was meant


def test_a_form_without_a_gap_does_not_show_the_box(client, login, org):
    url = f"/okrs/objectives/{org.objective.id}/key-results/new"
    response = login(org.agent).post(
        url, data=_tiers_form("[3000, 3500) 5\n[3500, ) 8\n(, 3000) x")
    )
    assert response.status_code == 422
    assert "confirm_gaps" not in form_values(response)


def test_overlapping_tiers_are_refused_even_when_a_gap_is_confirmed(client, login, org):
    url = f"/okrs/objectives/{org.objective.id}/key-results/new"
    data = _tiers_form("[3000, 3500] 5\n[3500, ) 8", confirm_gaps="y")
    response = login(org.agent).post(url, data=data)
    assert response.status_code == 422
    assert field_error(response, "tiers") == "Tiers [3000, 3500] and [3500, +inf) overlap."


def _tier_rows(rows):
    return [
        tier_to_dict(Tier.of(low, high, points, lower_inclusive=li))
        for low, high, points, li in rows
    ]


def test_kr_templates_check_gaps_and_weights_like_key_results(org):
    gap = _tier_rows([(3000, 3500, 5, True), (3500, None, 8, False)])
    row = KeyResultData("回复数", "条", "tiers", Decimal(100), tiers=gap)
    with pytest.raises(Invalid) as exc:
        save_template(None, TemplateData("客服", "客服", "服务", [row]))
    assert set(exc.value.errors) == {"krs-0-tiers", "krs-0-confirm_gaps"}
    row.confirm_gaps = True
    template, warnings = save_template(None, TemplateData("客服", "客服", "服务", [row]))
    assert any("score 0" in w for w in warnings)
    heavy = KeyResultData("x", "", "at_least", Decimal(110), target=Decimal(1))
    with pytest.raises(Invalid) as exc:
        save_template(None, TemplateData("客服2", "客服", "服务", [heavy]))
    assert "krs-0-weight" in exc.value.errors
    # applying the stored template keeps the confirmed gap
    result = apply_template(template, org.cycle, [org.lead], Decimal(100), org.admin)
    assert [p.id for p in result.created] == [org.lead.id]


def test_applying_a_template_to_an_approved_set_sends_it_back_and_says_so(client, login, org):
    template, _w = save_template(
        None,
        TemplateData(
            "客服",
            "客服",
            "服务",
            [KeyResultData("x", "", "at_least", Decimal(100), target=Decimal(1))],
        ),
    )
    db.session.commit()
    client = login(org.lead)
    response = client.post(
        f"/okrs/templates/{template.id}/apply",
        data={"cycle": org.cycle.id, "scope": "person", "person": org.agent.email, "weight": "20"},
    )
    assert response.status_code == 303
    shown = flashes(client.get(response.headers["Location"]))
    assert any(f.startswith("许嘉怡: The objective weights add up to 120%") for f in shown), shown
    assert _objective(org).status == "returned"


# Review templates: every number bounded, on the form and on import --------------------------


def _spec(**changes):
    spec = json.loads(json.dumps(BUILT_IN["okr-default"]))
    for path, value in changes.items():
        target = spec
        *head, last = path.split(".")
        for key in head:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value
    return spec


@pytest.mark.parametrize(
    ("changes", "place"),
    [
        ({"total_scale": "99999999999999999999999"}, "total_scale"),
        ({"total_scale": "1e30"}, "total_scale"),
        ({"parts.kr": "160", "parts.peer": "-40", "parts.interview": "-20"}, "parts.kr"),
        ({"criteria.peer.0.weight": "400"}, "criteria.peer.0"),
        ({"bands.0.min": "1e400"}, "bands.0.min"),
        ({"adjustments.kinds.0.points": "-99999"}, "adjustments.kinds.0.points"),
        ({"adjustments.bonus_cap": "0.1234567"}, "adjustments.bonus_cap"),
        ({"min_peer_raters": 10**20}, "min_peer_raters"),
        ({"attainment_cap": "50"}, "attainment_cap"),
    ],
)
def test_review_template_numbers_are_bounded_on_import(app, changes, place):
    spec = _spec(**changes)
    with pytest.raises(TemplateInvalid) as exc:
        validate(read_json(json.dumps(spec)))
    assert place in dict(exc.value.problems), exc.value.problems


def test_the_demo_company_sets_pass_the_checks_they_were_approved_on(app, runner):
    from okr.objectives.approval import weight_report

    assert runner.invoke(args=["demo", "load", "--if-empty"]).exit_code == 0
    objectives = db.session.scalars(
        select(Objective).options(db.selectinload(Objective.key_results))
    ).all()
    sets: dict[tuple, list[Objective]] = {}
    for o in objectives:
        key = (o.cycle_id, o.level, o.owner_id if o.level == "individual" else o.department_id)
        sets.setdefault(key, []).append(o)
    for members in sets.values():
        if any(o.status == "approved" for o in members):
            assert weight_report(members).ok, [o.title for o in members]
    assert {o.status for o in objectives if o.level == "company"} == {"approved"}
