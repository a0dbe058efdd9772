"""Every OKR route with the wrong user: anonymous, a peer, a manager outside the chain, another head."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from okr.extensions import db
from okr.kr_templates.services import load_builtin_templates
from okr.objectives.approval import submit_set
from okr.objectives.models import Objective
from okr.objectives.services import KeyResultData, add_key_result
from okr.org.models import Company
from tests.factories import care_team, draft_objective, promotion_team, q4_cycle
from tests.helpers import snapshot

BLUEPRINTS = ("okrs", "key_results", "cycles", "kr_templates", "adjustments")
OKR_TABLES = ("objective", "key_result", "objective_change", "check_in", "adjustment")


def _okr_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in BLUEPRINTS]
    return sorted(rules, key=lambda r: r.rule)


def _methods(rule):
    return sorted(rule.methods & {"GET", "POST"})


def _objective(cycle, level, owner, title, *, department=None, parent=None, kr=True):
    objective = draft_objective(
        cycle, owner, title, level=level, parent=parent, department=department
    )
    if kr:
        key_result, _warnings = add_key_result(
            objective,
            KeyResultData(title + " KR", "人", "increase", Decimal(100), Decimal(0), Decimal(10)),
            owner,
        )
        objective.first_kr_id = key_result.id
    return objective


@pytest.fixture
def org(make_person, make_department, admin):
    marketing, team, head, lead, seo = promotion_team(make_department, make_person)
    peer = make_person("刘彧", department=team, manager=lead, position="SEM专员")
    care, care_head, agent = care_team(make_department, make_person, parent=marketing, head=head)
    cycle = q4_cycle()
    company = _objective(cycle, "company", admin, "线上销售额增长30%")
    team_obj = _objective(
        cycle, "department", lead, "独立访问量达6万", department=team, parent=company
    )
    care_obj = _objective(cycle, "department", care_head, "客服满意度", department=care)
    seo_obj = _objective(cycle, "individual", seo, "提升自然搜索流量", parent=team_obj)
    peer_obj = _objective(cycle, "individual", peer, "提升SEM转化")
    load_builtin_templates()
    db.session.commit()
    return SimpleNamespace(
        admin=admin,
        marketing=marketing,
        team=team,
        care=care,
        head=head,
        lead=lead,
        seo=seo,
        peer=peer,
        care_head=care_head,
        agent=agent,
        cycle=cycle,
        company=company,
        team_obj=team_obj,
        care_obj=care_obj,
        seo_obj=seo_obj,
        peer_obj=peer_obj,
        peer_kr_id=peer_obj.first_kr_id,
        team_kr_id=team_obj.first_kr_id,
    )


def _submit(objective, actor):
    submit_set(db.session.get(Objective, objective.id), actor)
    db.session.commit()


def test_every_okr_route_sends_anonymous_visitors_to_sign_in(app, client, org):
    adapter = app.url_map.bind("localhost")
    before = snapshot()
    visited = 0
    for rule in _okr_rules(app):
        url = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, 1))
        for method in _methods(rule):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert "/login" in response.headers["Location"], (method, url)
            visited += 1
    assert visited >= 29
    assert snapshot() == before


def test_a_peer_reaches_nothing_of_a_colleagues_individual_okrs(app, client, login, org):
    """Every route on an objective, key result or person, as a colleague: 403, nothing changed."""
    adapter = app.url_map.bind("localhost")
    ids = {"objective_id": org.peer_obj.id, "kr_id": org.peer_kr_id, "person_id": org.peer.id}
    before = snapshot(*OKR_TABLES)
    login(org.seo)
    checked = []
    for rule in _okr_rules(app):
        if not rule.arguments or not rule.arguments <= ids.keys():
            continue
        url = adapter.build(rule.endpoint, {name: ids[name] for name in rule.arguments})
        for method in _methods(rule):
            data = {"title": "改", "weight": "100", "kind": "increase", "start": "0", "target": "1"}
            data |= {"points": "5", "reason": "x", "decision": "approve", "value": "9"}
            response = client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code == 403, (method, url, response.status_code)
            checked.append(rule.endpoint)
    assert {"okrs.edit_objective", "okrs.decide", "okrs.submit", "key_results.edit"} <= set(checked)
    new = client.post(
        f"/okrs/objectives/new?level=individual&person={org.peer.id}",
        data={"title": "替他写", "weight": "10"},
    )
    assert new.status_code == 403
    assert snapshot(*OKR_TABLES) == before


def test_an_employee_cannot_approve_or_submit_sets_that_are_not_theirs(client, login, org):
    _submit(org.seo_obj, org.seo)
    before = snapshot(*OKR_TABLES)
    login(org.seo)  # the owner never approves their own set
    assert (
        client.post(
            f"/okrs/objectives/{org.seo_obj.id}/decide", data={"decision": "approve"}
        ).status_code
        == 403
    )
    login(org.peer)
    assert (
        client.post(
            f"/okrs/objectives/{org.seo_obj.id}/decide", data={"decision": "approve"}
        ).status_code
        == 403
    )
    assert client.post(f"/okrs/objectives/{org.seo_obj.id}/submit").status_code == 403
    assert client.post(f"/okrs/objectives/{org.team_obj.id}/submit").status_code == 403
    assert (
        client.post(
            f"/okrs/objectives/{org.team_obj.id}/decide", data={"decision": "approve"}
        ).status_code
        == 403
    )
    assert snapshot(*OKR_TABLES) == before


def test_a_manager_outside_the_chain_cannot_approve(client, login, org):
    _submit(org.seo_obj, org.seo)
    before = snapshot(*OKR_TABLES)
    login(org.care_head)
    for decision in ("approve", "return"):
        response = client.post(
            f"/okrs/objectives/{org.seo_obj.id}/decide",
            data={"decision": decision, "comment": "不行"},
        )
        assert response.status_code == 403
    assert snapshot(*OKR_TABLES) == before
    login(org.lead)  # the manager in the chain can
    response = client.post(
        f"/okrs/objectives/{org.seo_obj.id}/decide", data={"decision": "approve"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Objective, org.seo_obj.id).status == "approved"


def test_department_okrs_are_approved_by_the_parent_head_not_their_own_or_another(
    client, login, org
):
    _submit(org.team_obj, org.lead)
    before = snapshot(*OKR_TABLES)
    for person in (org.lead, org.care_head, org.seo):
        login(person)
        response = client.post(
            f"/okrs/objectives/{org.team_obj.id}/decide", data={"decision": "approve"}
        )
        assert response.status_code == 403
    assert snapshot(*OKR_TABLES) == before
    login(org.head)
    client.post(f"/okrs/objectives/{org.team_obj.id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    assert db.session.get(Objective, org.team_obj.id).status == "approved"


def test_employees_cannot_manage_cycles_or_settings(app, client, login, org):
    adapter = app.url_map.bind("localhost")
    before = snapshot("cycle", "cycle_change", "company", *OKR_TABLES)
    for person in (org.seo, org.lead, org.head):
        login(person)
        for rule in _okr_rules(app):
            if not rule.endpoint.startswith("cycles."):
                continue
            url = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, org.cycle.id))
            for method in _methods(rule):
                data = {"status": "running", "reason": "x", "cap": "120", "kind": "quarter"}
                data |= {"day": "2027-01-05", "transparency": "y"}
                response = client.open(url, method=method, data=data if method == "POST" else None)
                assert response.status_code == 403, (person.name, method, url)
    assert snapshot("cycle", "cycle_change", "company", *OKR_TABLES) == before


def test_individual_okrs_are_read_by_the_owner_chain_and_admins_only(client, login, org):
    urls = (f"/okrs/objectives/{org.seo_obj.id}", f"/okrs/people/{org.seo.id}")
    for person in (org.seo, org.lead, org.head, org.admin):
        login(person)
        assert [client.get(url).status_code for url in urls] == [200, 200], person.name
    for person in (org.peer, org.care_head, org.agent):
        login(person)
        assert [client.get(url).status_code for url in urls] == [403, 403], person.name
    # company and department objectives are read by everyone signed in
    login(org.agent)
    assert client.get(f"/okrs/objectives/{org.team_obj.id}").status_code == 200
    assert client.get(f"/okrs/objectives/{org.company.id}").status_code == 200
    assert client.get(f"/okrs/departments/{org.team.id}").status_code == 200
    # the aligned individual objective is not listed to someone who may not read it
    assert "提升自然搜索流量" not in client.get(f"/okrs/objectives/{org.team_obj.id}").get_data(
        as_text=True
    )


def test_transparency_opens_individual_okrs_to_the_same_department_only(client, login, org):
    db.session.add(Company(name="星辰", okr_transparency=True))
    db.session.commit()
    login(org.peer)
    assert client.get(f"/okrs/objectives/{org.seo_obj.id}").status_code == 200
    assert client.get(f"/okrs/people/{org.seo.id}").status_code == 200
    assert client.get(f"/okrs/objectives/{org.seo_obj.id}/edit").status_code == 403
    login(org.agent)
    assert client.get(f"/okrs/objectives/{org.seo_obj.id}").status_code == 403


def test_a_head_of_another_department_cannot_edit_a_department_objective(client, login, org):
    before = snapshot(*OKR_TABLES)
    login(org.care_head)
    team_obj, team_kr = org.team_obj.id, org.team_kr_id
    assert client.get(f"/okrs/objectives/{team_obj}").status_code == 200  # reading is fine
    assert client.get(f"/okrs/objectives/{team_obj}/edit").status_code == 403
    edit = client.post(f"/okrs/objectives/{team_obj}/edit", data={"title": "改", "weight": "100"})
    assert edit.status_code == 403
    assert client.post(f"/okrs/objectives/{team_obj}/delete").status_code == 403
    assert client.get(f"/okrs/objectives/{team_obj}/key-results/new").status_code == 403
    assert client.post(f"/okrs/key-results/{team_kr}/delete").status_code == 403
    response = client.post(
        f"/okrs/objectives/new?level=department&department={org.team.id}",
        data={"title": "插手", "weight": "10"},
    )
    assert response.status_code == 403
    login(org.seo)  # a member of the department does not edit it either
    assert client.get(f"/okrs/objectives/{team_obj}/edit").status_code == 403
    assert snapshot(*OKR_TABLES) == before
    for person in (org.lead, org.head, org.admin):  # its head, the head above, HR
        login(person)
        assert client.get(f"/okrs/objectives/{team_obj}/edit").status_code == 200


def test_only_admins_edit_company_objectives(client, login, org):
    before = snapshot(*OKR_TABLES)
    login(org.head)
    assert client.get(f"/okrs/objectives/{org.company.id}/edit").status_code == 403
    response = client.post("/okrs/objectives/new?level=company", data={"title": "x", "weight": "1"})
    assert response.status_code == 403
    assert snapshot(*OKR_TABLES) == before
    login(org.admin)
    assert client.get(f"/okrs/objectives/{org.company.id}/edit").status_code == 200
