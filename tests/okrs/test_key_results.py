"""Key results through the form: every kind, every refusal beside its field, stale and frozen edits."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.objectives.approval import decide_set, submit_set
from okr.objectives.models import KeyResult, Objective, ObjectiveChange
from okr.objectives.services import KeyResultData, add_key_result
from tests.factories import care_team, draft_objective, q4_cycle
from tests.helpers import field_error, flashes, form_values, snapshot, text


@pytest.fixture
def org(make_person, make_department):
    _team, lead, agent = care_team(make_department, make_person)
    cycle = q4_cycle()
    objective = draft_objective(cycle, agent, "提升客户满意度")
    db.session.commit()
    return SimpleNamespace(
        lead=lead,
        agent=agent,
        cycle=cycle,
        objective=objective,
        new_url=f"/okrs/objectives/{objective.id}/key-results/new",
    )


def _krs():
    db.session.expire_all()
    return db.session.scalars(select(KeyResult).order_by(KeyResult.id)).all()


def _form(**fields):
    return {"title": "回复数", "unit": "", "weight": "100", "direction": "up", **fields}


KINDS = [
    ("increase", {"start": "40000", "target": "60000"}, {"start": 40000, "target": 60000}),
    ("decrease", {"start": "5%", "target": "2%"}, {"start": 5, "target": 2}),
    ("at_least", {"target": "3"}, {"target": 3, "start": None}),
    ("at_most", {"target": "0"}, {"target": 0}),
    ("ratio", {"target": "1,000,000"}, {"target": 1000000}),
    ("milestone", {"start": "1", "target": "2"}, {"start": None, "target": None}),
    (
        "per_unit",
        # seed 003: every +1% of satisfaction gives 0.5 points, at most 10
        {"start": "90", "step": "1", "points_per_step": "0.5", "max_points": "10"},
        {"start": 90, "step": 1, "points_per_step": Decimal("0.5"), "max_points": 10},
    ),
    (
        "tiers",
        # seed 003: 2500 <= replies < 3000: 3 points; 3000 <= r < 3500: 5; >= 3500: 8
        {"tiers": "[2500, 3000) 3\n[3000, 3500) 5\n[3500, ) 8", "target": "9"},
        {"target": None},
    ),
]


def test_every_kind_is_created_through_the_form(client, login, org):
    login(org.agent)
    for kind, typed, stored in KINDS:
        response = client.post(org.new_url, data=_form(title=kind, kind=kind, **typed))
        assert response.status_code == 303, (kind, field_error(response, "tiers"), text(response))
        kr = _krs()[-1]
        assert (kr.title, kr.kind) == (kind, kind)
        for name, value in stored.items():
            assert getattr(kr, name) == (None if value is None else Decimal(value)), (kind, name)
    per_unit, tiers = _krs()[-2:]
    assert per_unit.direction == "up"
    assert tiers.tiers == [
        {
            "lower": "2500",
            "lower_inclusive": True,
            "upper": "3000",
            "upper_inclusive": False,
            "points": "3",
        },
        {
            "lower": "3000",
            "lower_inclusive": True,
            "upper": "3500",
            "upper_inclusive": False,
            "points": "5",
        },
        {
            "lower": "3500",
            "lower_inclusive": True,
            "upper": None,
            "upper_inclusive": False,
            "points": "8",
        },
    ]
    # the tiers come back as typed when the form is opened again
    page = client.get(f"/okrs/key-results/{tiers.id}/edit")
    assert "[2500, 3000) 3\n[3000, 3500) 5\n[3500, ) 8" in text(page)
    objective_page = text(client.get(f"/okrs/objectives/{org.objective.id}"))
    assert "Points by tiers" in objective_page and "Milestone: done or not done" in objective_page


BAD = [
    (
        {"kind": "increase", "start": "5", "target": "5"},
        "target",
        "Start and target are both 5: an increasing key result must aim above its start.",
    ),
    (
        {"kind": "decrease", "start": "2", "target": "5"},
        "target",
        "Target 5 is above start 2: use an increasing key result instead.",
    ),
    (
        {"kind": "tiers", "tiers": "[2500,3000] 3\n[3000,3500) 5"},
        "tiers",
        "Tiers [2500, 3000] and [3000, 3500) overlap.",
    ),
    (
        {"kind": "tiers", "tiers": "2500-3000: 3"},
        "tiers",
        "Line 1 is not a tier such as [2500, 3000) 3.",
    ),
    ({"kind": "tiers", "tiers": ""}, "tiers", "Enter at least one tier."),
    (
        {"kind": "increase", "weight": "abc", "start": "1", "target": "2"},
        "weight",
        "“abc” is not a number.",
    ),
    ({"kind": "increase", "weight": "", "start": "1", "target": "2"}, "weight", "Enter a number."),
    ({"kind": "increase", "start": "1", "target": ""}, "target", "Enter a number."),
    ({"kind": "at_least", "target": "0"}, "target", "needs a target above 0, not 0."),
    (
        {"kind": "per_unit", "start": "0", "points_per_step": "1", "max_points": "5"},
        "step",
        "Enter a number.",
    ),
    (
        {"kind": "per_unit", "start": "0", "step": "-1", "points_per_step": "1", "max_points": "5"},
        "step",
        "The step must be above 0, not -1.",
    ),
    ({"kind": "increase", "title": " ", "start": "1", "target": "2"}, "title", "Enter a title."),
]


def test_each_invalid_key_result_is_refused_beside_its_field(client, login, org):
    login(org.agent)
    for typed, field, message in BAD:
        response = client.post(org.new_url, data=_form(**typed))
        assert response.status_code == 422, typed
        assert message in field_error(response, field), (typed, field_error(response, field))
        values = form_values(response)
        for name, value in typed.items():
            if name in values and name != "kind":
                assert values[name] == value, (typed, name)  # what was typed is kept
        if typed.get("tiers"):
            assert typed["tiers"] in text(response)
    assert _krs() == []


def test_tier_gaps_are_refused_until_confirmed_then_saved_with_a_warning(client, login, org):
    login(org.agent)
    data = _form(kind="tiers", tiers="[2500, 3000) 3\n(3500, ) 8")
    refused = client.post(org.new_url, data=data)
    assert refused.status_code == 422
    gap = "Values between tier [2500, 3000) and tier (3500, +inf) match no tier and score 0."
    assert field_error(refused, "tiers") == gap
    assert "confirm_gaps" in form_values(refused) and _krs() == []
    response = client.post(org.new_url, data={**data, "confirm_gaps": "y"}, follow_redirects=True)
    assert gap in flashes(response)
    assert len(_krs()) == 1


def _add_kr(org, title="一次解决率", start="60", target="80"):
    objective = db.session.scalars(
        select(Objective)
        .where(Objective.id == org.objective.id)
        .options(db.joinedload(Objective.cycle), db.selectinload(Objective.key_results))
    ).one()
    kr, _ = add_key_result(
        objective,
        KeyResultData(title, "%", "increase", Decimal(100), Decimal(start), Decimal(target)),
        org.agent,
    )
    db.session.commit()
    return kr


def test_a_stale_edit_is_refused_showing_the_newer_values_and_keeping_mine(client, login, org):
    kr = _add_kr(org)
    login(org.agent)
    opened = form_values(client.get(f"/okrs/key-results/{kr.id}/edit"))
    login(org.lead)  # the manager saves first
    first = client.post(
        f"/okrs/key-results/{kr.id}/edit",
        data=_form(
            title="一次解决率",
            unit="%",
            kind="increase",
            start="60",
            target="85",
            version=opened["version"],
        ),
    )
    assert first.status_code == 303
    login(org.agent)
    mine = _form(
        title="一次解决率 (新)", kind="increase", start="60", target="90", version=opened["version"]
    )
    response = client.post(f"/okrs/key-results/{kr.id}/edit", data=mine)
    assert response.status_code == 422
    body = text(response)
    assert "Someone else saved this key result while you were editing." in body
    assert "60% → 85%" in body  # the newer saved value, units written as everywhere
    values = form_values(response)
    assert (values["title"], values["target"]) == ("一次解决率 (新)", "90")
    assert values["version"] != opened["version"]
    assert _krs()[0].target == Decimal(85)
    again = client.post(
        f"/okrs/key-results/{kr.id}/edit", data={**mine, "version": values["version"]}
    )
    assert again.status_code == 303
    assert _krs()[0].target == Decimal(90)


def test_targets_are_frozen_while_the_cycle_runs(client, login, org):
    kr = _add_kr(org)
    org.cycle.status = "running"
    db.session.commit()
    before = snapshot("key_result", "objective_change")
    login(org.agent)
    response = client.post(
        f"/okrs/key-results/{kr.id}/edit",
        data=_form(
            title="一次解决率", kind="increase", start="60", target="70", version=kr.version
        ),
    )
    assert response.status_code == 422
    frozen = "Objectives and targets are frozen while the cycle is running; an administrator can reopen it for planning with a reason."
    assert frozen in text(response)
    response = client.post(org.new_url, data=_form(kind="at_least", target="3"))
    assert response.status_code == 422 and frozen in text(response)
    response = client.post(f"/okrs/key-results/{kr.id}/delete", data={"version": kr.version})
    assert frozen in flashes(client.get(response.headers["Location"]))
    assert snapshot("key_result", "objective_change") == before


def test_key_result_changes_after_approval_are_recorded_and_shown(client, login, org):
    kr = _add_kr(org)
    objective = db.session.get(Objective, org.objective.id)
    submit_set(objective, org.agent)
    decide_set(objective, org.lead, True, "")
    db.session.commit()
    login(org.agent)
    response = client.post(
        f"/okrs/key-results/{kr.id}/edit",
        data=_form(
            title="一次解决率",
            kind="increase",
            start="60",
            target="85",
            unit="%",
            version=kr.version,
        ),
    )
    assert response.status_code == 303
    client.post(org.new_url, data=_form(title="投诉率", kind="at_most", target="1", weight="0"))
    changes = db.session.scalars(
        select(ObjectiveChange).where(ObjectiveChange.action.in_(("kr_edited", "kr_added")))
    ).all()
    assert {c.action: c.details for c in changes} == {
        "kr_edited": {"title": "一次解决率", "changes": {"target": ["80", "85"]}},
        "kr_added": {"title": "投诉率"},
    }
    page = text(client.get(f"/okrs/objectives/{org.objective.id}"))
    assert "许嘉怡: changed a key result “一次解决率”" in page and "Target: 80 → 85" in page
    assert "许嘉怡: added a key result “投诉率”" in page


def test_wrong_users_cannot_add_edit_or_delete_key_results(client, login, org, make_person):
    kr = _add_kr(org)
    stranger = make_person("路人")
    before = snapshot("key_result", "objective_change")
    login(stranger)
    assert client.post(org.new_url, data=_form(kind="at_least", target="3")).status_code == 403
    edit = client.post(f"/okrs/key-results/{kr.id}/edit", data=_form(kind="at_least", target="3"))
    assert edit.status_code == 403
    assert client.post(f"/okrs/key-results/{kr.id}/delete").status_code == 403
    assert snapshot("key_result", "objective_change") == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"unit": "人", "start": "-5", "target": "100"},
            "start",
            "Enter zero or more: a number of 人 cannot be below zero.",
        ),
        (
            {"unit": "人", "start": "10", "target": "50%"},
            "target",
            "Enter the number without %: this key result is counted in 人, not in percent.",
        ),
    ],
)
def test_a_key_result_definition_must_fit_its_unit_like_check_ins(
    client, login, org, fields, field, message
):
    login(org.agent)
    response = client.post(org.new_url, data=_form(kind="increase", **fields))

    assert response.status_code == 422
    assert field_error(response, field) == message
    assert db.session.scalars(select(KeyResult).where(KeyResult.unit == "人")).all() == []
