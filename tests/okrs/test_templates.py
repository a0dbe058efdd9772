"""KR templates per position: the built-in seed 001 sets, admin editing, and applying to people."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from okr.extensions import db
from okr.kr_templates.builtin import BUILT_IN
from okr.kr_templates.models import KRTemplate
from okr.kr_templates.services import check_key_results, kr_data, load_builtin_templates
from okr.objectives.models import KeyResult, Objective
from tests.factories import care_team, draft_objective, promotion_team, q4_cycle
from tests.helpers import field_error, flashes, form_values, snapshot, text

HX = {"HX-Request": "true"}


@pytest.fixture
def org(make_person, make_department, admin):
    marketing, team, head, lead, seo = promotion_team(make_department, make_person)
    seo2 = make_person("赵乐", department=team, manager=lead, position="SEO专员")
    gone = make_person("钱过", department=team, manager=lead, position="SEO专员", active=False)
    sem = make_person("刘彧", department=team, manager=lead, position="SEM专员")
    care, care_head, agent = care_team(make_department, make_person, parent=marketing, head=head)
    cycle = q4_cycle()
    load_builtin_templates()
    db.session.commit()
    seo_template = db.session.scalar(select(KRTemplate).where(KRTemplate.name == "SEO专员"))
    return SimpleNamespace(
        admin=admin,
        marketing=marketing,
        team=team,
        care=care,
        head=head,
        lead=lead,
        seo=seo,
        seo2=seo2,
        gone=gone,
        sem=sem,
        care_head=care_head,
        agent=agent,
        cycle=cycle,
        template=seo_template,
    )


def _objectives(owner_id=None):
    db.session.expire_all()
    stmt = select(Objective).where(Objective.level == "individual")
    if owner_id is not None:
        stmt = stmt.where(Objective.owner_id == owner_id)
    return db.session.scalars(stmt.order_by(Objective.id)).all()


def _apply(client, template, **data):
    form = {"cycle": data.pop("cycle", None), "weight": "40", "scope": "person", **data}
    return client.post(f"/okrs/templates/{template.id}/apply", data=form)


# Built-ins -------------------------------------------------------------------------------


def test_builtin_templates_follow_seed_001_and_their_weights_sum_to_100(app):
    assert load_builtin_templates() == 4
    templates = {t.name: t for t in db.session.scalars(select(KRTemplate))}
    assert set(templates) == {"SEO专员", "社交媒体运营", "内容营销专员", "SDR（线索开发）"}
    for template in templates.values():
        assert template.built_in
        rows = [kr_data(item) for item in template.key_results]
        assert sum(row.weight for row in rows) == Decimal(100)
        check_key_results(rows)  # every rule passes the key-result checks
    social = [
        (i["kind"], i["start"], i["target"], i["weight"])
        for i in templates["社交媒体运营"].key_results
    ]
    # seed 001: 粉丝量从5万→6万 (30%), 平均互动率≥3% (40%), 活动ROI≥1:5 (30%)
    assert social == [
        ("increase", "50000", "60000", "30"),
        ("at_least", None, "3", "40"),
        ("at_least", None, "5", "30"),
    ]
    # the seed's printed weights are kept: SEO 30/25/20, content 20/30/30, SDR 40/30/20
    assert [i["weight"] for i in templates["SEO专员"].key_results][:3] == ["30", "25", "20"]
    assert [i["weight"] for i in templates["内容营销专员"].key_results][:3] == ["20", "30", "30"]
    assert [i["weight"] for i in templates["SDR（线索开发）"].key_results][:3] == ["40", "30", "20"]
    assert templates["SDR（线索开发）"].position == "SDR"


def test_loading_builtins_again_changes_nothing_and_restores_a_changed_one(app):
    load_builtin_templates()
    db.session.commit()
    assert load_builtin_templates() == 0
    seo = db.session.scalar(select(KRTemplate).where(KRTemplate.name == "SEO专员"))
    seo.key_results = [{**seo.key_results[0], "weight": "99"}]
    db.session.commit()
    assert load_builtin_templates() == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(KRTemplate)) == 4
    assert seo.key_results == BUILT_IN[0]["key_results"]


def test_cli_loads_the_builtins_idempotently(app, runner):
    first = runner.invoke(args=["templates", "load"])
    assert first.exit_code == 0, first.output
    assert "4 created or updated" in first.output
    second = runner.invoke(args=["templates", "load"])
    assert "0 created or updated" in second.output
    assert db.session.scalar(select(func.count()).select_from(KRTemplate)) == 4


# Reading ---------------------------------------------------------------------------------


def test_admins_and_managers_see_templates_employees_do_not(client, login, org):
    for person in (org.admin, org.lead, org.care_head):
        login(person)
        page = client.get("/okrs/templates/")
        assert page.status_code == 200
        assert "SEO专员" in text(page) and "社交媒体运营" in text(page)
        detail = client.get(f"/okrs/templates/{org.template.id}")
        assert detail.status_code == 200
        assert "自然搜索流量占比" in text(detail)
        assert "≥ 40%" in text(detail)
    login(org.seo)
    assert client.get("/okrs/templates/").status_code == 403
    assert client.get(f"/okrs/templates/{org.template.id}").status_code == 403
    assert _apply(client, org.template, cycle=org.cycle.id, person=org.seo.email).status_code == 403
    assert _objectives() == []


def test_template_page_prefills_the_person_a_manager_came_from(client, login, org):
    login(org.lead)
    page = client.get(f"/okrs/templates/{org.template.id}?person={org.seo.id}")
    assert form_values(page)["person"] == org.seo.email
    outsider = client.get(f"/okrs/templates/{org.template.id}?person={org.agent.id}")
    assert form_values(outsider)["person"] == ""


def test_template_list_query_count_does_not_grow_with_templates(client, login, org, count_queries):
    login(org.admin)
    client.get("/okrs/templates/")
    with count_queries() as few:
        assert client.get("/okrs/templates/").status_code == 200
    for n in range(8):
        db.session.add(KRTemplate(name=f"T{n}", objective_title="O", key_results=[]))
    db.session.commit()
    with count_queries() as many:
        assert client.get("/okrs/templates/").status_code == 200
    assert many.count == few.count


def test_template_page_query_count_does_not_grow_with_people(
    client, login, org, make_person, count_queries
):
    login(org.admin)
    url = f"/okrs/templates/{org.template.id}"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(8):
        make_person(department=org.team, manager=org.lead, position=f"岗位{n}")
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


# Applying --------------------------------------------------------------------------------


def test_manager_applies_a_template_to_a_report_once(client, login, org):
    login(org.lead)
    response = _apply(client, org.template, cycle=org.cycle.id, person=org.seo.email)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "“提升自然搜索带来的流量与线索” created for 1 person. 0 already had it" in text(page)

    [objective] = _objectives(org.seo.id)
    assert (objective.title, objective.status, objective.weight) == (
        "提升自然搜索带来的流量与线索",
        "draft",
        Decimal(40),
    )
    krs = db.session.scalars(
        select(KeyResult).where(KeyResult.objective_id == objective.id).order_by(KeyResult.position)
    ).all()
    assert [(k.title, k.kind, k.weight, k.target) for k in krs] == [
        ("自然搜索流量占比", "at_least", Decimal(30), Decimal(40)),
        ("关键词排名Top10占比", "at_least", Decimal(25), Decimal(30)),
        ("自然搜索引流线索量", "ratio", Decimal(20), Decimal(600)),
        ("独立访问量达6万", "ratio", Decimal(25), Decimal(60000)),
    ]
    assert objective.progress == Decimal(0)

    again = _apply(client, org.template, cycle=org.cycle.id, person=org.seo.email)
    assert "created for 0 people. 1 already had it and was skipped." in text(
        client.get(again.headers["Location"])
    )
    assert len(_objectives(org.seo.id)) == 1
    set_page = text(client.get(f"/okrs/people/{org.seo.id}"))
    assert "提升自然搜索带来的流量与线索" in set_page and "独立访问量达6万" in set_page


def test_people_may_apply_to_themselves_when_they_use_templates(client, login, org):
    login(org.lead)
    assert (
        _apply(client, org.template, cycle=org.cycle.id, person=org.lead.email).status_code == 303
    )
    assert len(_objectives(org.lead.id)) == 1


def test_department_head_applies_to_every_active_person_of_a_position(client, login, org):
    draft_objective(org.cycle, org.seo2, org.template.objective_title, weight=50)
    db.session.commit()
    login(org.head)
    response = client.post(
        f"/okrs/templates/{org.template.id}/apply",
        data={
            "cycle": org.cycle.id,
            "weight": "60",
            "scope": "position",
            "department": org.marketing.id,  # 推广组 lies below 网络营销部
            "position": "SEO专员",
        },
        headers=HX,
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="apply"' in body
    assert "created for 1 person. 1 already had it and was skipped." in body
    assert f'Created: <a href="/okrs/people/{org.seo.id}?cycle={org.cycle.id}">张玥</a>' in body
    assert "Skipped: 赵乐" in body
    assert "HX-Request" in response.headers["Vary"]
    owners = {o.owner_id for o in _objectives()}
    assert owners == {org.seo.id, org.seo2.id}  # not the inactive one, not the SEM
    assert len(_objectives(org.seo2.id)) == 1


def test_applying_outside_ones_reach_is_forbidden_and_changes_nothing(client, login, org):
    before = snapshot("objective", "key_result")
    login(org.care_head)  # heads another department
    assert _apply(client, org.template, cycle=org.cycle.id, person=org.seo.email).status_code == 403
    response = _apply(
        client,
        org.template,
        cycle=org.cycle.id,
        scope="position",
        department=org.team.id,
        position="SEO专员",
    )
    assert response.status_code == 403
    login(org.lead)  # heads 推广组 only, not 网络营销部 above it
    response = _apply(
        client,
        org.template,
        cycle=org.cycle.id,
        scope="position",
        department=org.marketing.id,
        position="SEO专员",
    )
    assert response.status_code == 403
    assert (
        _apply(client, org.template, cycle=org.cycle.id, person=org.agent.email).status_code == 403
    )
    assert snapshot("objective", "key_result") == before


def test_applying_is_refused_once_the_cycle_runs(client, login, org):
    org.cycle.status = "running"
    db.session.commit()
    login(org.lead)
    response = _apply(client, org.template, cycle=org.cycle.id, person=org.seo.email)
    assert response.status_code == 422
    assert field_error(response, "cycle") == (
        "2026 Q4 is running: objectives can be added only while a cycle is being planned."
    )
    assert _objectives() == []


BAD_APPLY = [
    ({"weight": "abc"}, "weight", "is not a number"),
    ({"weight": ""}, "weight", "Enter a number."),
    ({"weight": "0"}, "weight", "Choose a weight above 0 and at most 100."),
    ({"weight": "120"}, "weight", "Choose a weight above 0 and at most 100."),
    ({"person": ""}, "person", "Enter the person's email."),
    ({"person": "nobody@example.com"}, "person", "No active person has the email"),
    ({"scope": "position", "department": ""}, "department", "Choose a department."),
    ({"scope": "position", "position": "  "}, "position", "Enter a position."),
    ({"scope": "position", "position": "CEO"}, "position", "Nobody active there holds"),
]


def test_bad_apply_input_is_refused_beside_the_field(client, login, org):
    login(org.admin)
    for data, field, message in BAD_APPLY:
        form = {"person": org.seo.email, "department": org.team.id, **data}
        response = _apply(client, org.template, cycle=org.cycle.id, **form)
        assert response.status_code == 422, data
        assert message in field_error(response, field), (data, field_error(response, field))
        assert form_values(response)["weight"] == form.get("weight", "40")  # typed input kept
    assert _objectives() == []


def test_bad_apply_input_over_htmx_returns_the_form_fragment(client, login, org):
    login(org.admin)
    response = client.post(
        f"/okrs/templates/{org.template.id}/apply",
        data={"cycle": org.cycle.id, "scope": "person", "person": org.seo.email, "weight": "x"},
        headers=HX,
    )
    assert response.status_code == 422
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section class="card" id="apply">')
    assert "is not a number" in field_error(response, "weight")


# Editing ---------------------------------------------------------------------------------


def _template_form(name="SEO专员 · 2027", rows=None):
    rows = rows or [
        {"title": "自然流量", "kind": "increase", "weight": "60", "start": "100", "target": "200"},
        {"title": "回复数", "kind": "tiers", "weight": "40", "tiers": "[2500, 3000) 3\n[3000, ) 5"},
    ]
    data = {"name": name, "position": "SEO专员", "objective_title": "提升自然搜索"}
    for index, row in enumerate(rows):
        data.update({f"krs-{index}-{key}": value for key, value in row.items()})
        data.setdefault(f"krs-{index}-unit", "")
        data.setdefault(f"krs-{index}-direction", "up")
    return data


def test_admin_copies_a_builtin_and_edits_the_copy(client, login, org):
    login(org.admin)
    response = client.post(f"/okrs/templates/{org.template.id}/copy")
    assert response.status_code == 303
    copy = db.session.scalar(select(KRTemplate).where(KRTemplate.name == "SEO专员 (copy)"))
    assert not copy.built_in and copy.key_results == org.template.key_results
    form_page = client.get(response.headers["Location"])
    assert "Copied as “SEO专员 (copy)”" in flashes(form_page)[0]
    assert form_values(form_page)["krs-3-target"] == "60000"
    second = client.post(f"/okrs/templates/{org.template.id}/copy")
    assert "Copied as “SEO专员 (copy 2)”" in flashes(client.get(second.headers["Location"]))[0]

    response = client.post(f"/okrs/templates/{copy.id}/edit", data=_template_form())
    assert response.status_code == 303, text(response)
    db.session.expire_all()
    assert copy.name == "SEO专员 · 2027"
    assert copy.key_results[0] | {} == {
        "title": "自然流量",
        "unit": "",
        "kind": "increase",
        "weight": "60",
        "start": "100",
        "target": "200",
        "step": None,
        "points_per_step": None,
        "direction": None,
        "max_points": None,
        "tiers": [],
        "hold_scoring": None,
        "hold_strict": False,
    }
    assert [t["points"] for t in copy.key_results[1]["tiers"]] == ["3", "5"]


BAD_TEMPLATE = [
    ({"krs-0-weight": "50"}, None, "The key-result weights add up to 90%, not 100%."),
    ({"krs-0-target": "100"}, "krs-0-target", "Start and target are both 100"),
    ({"krs-0-target": ""}, "krs-0-target", "Enter a number."),
    ({"krs-0-weight": "sixty"}, "krs-0-weight", "“sixty” is not a number."),
    ({"krs-1-tiers": "[2500,3000] 3\n[3000,3500) 5"}, "krs-1-tiers", "overlap"),
    ({"krs-1-tiers": "2500 to 3000: 3"}, "krs-1-tiers", "Line 1"),
    ({"krs-0-title": ""}, "krs-0-title", "Enter a title."),
    ({"name": "SEO专员"}, "name", "Another template is called “SEO专员”."),
    ({"objective_title": ""}, "objective_title", "Enter the objective title."),
]


def test_template_edits_are_checked_like_key_results(client, login, org):
    login(org.admin)
    client.post(f"/okrs/templates/{org.template.id}/copy")
    copy = db.session.scalar(select(KRTemplate).where(KRTemplate.built_in.is_(False)))
    before = snapshot("kr_template")
    for change, field, message in BAD_TEMPLATE:
        response = client.post(f"/okrs/templates/{copy.id}/edit", data=_template_form() | change)
        assert response.status_code == 422, change
        found = text(response) if field is None else field_error(response, field)
        assert message in found, (change, found)
        values = form_values(response)
        assert all(values[name] == typed for name, typed in change.items() if name in values)
    assert snapshot("kr_template") == before


def test_admin_creates_adds_and_removes_rows_then_deletes(client, login, org):
    login(org.admin)
    assert client.get("/okrs/templates/new").status_code == 200
    data = _template_form(name="内容专员 2027")
    grown = client.post("/okrs/templates/new", data={**data, "add_row": "1"})
    assert grown.status_code == 200 and "krs-2-title" in form_values(grown)
    shrunk = client.post("/okrs/templates/new", data={**data, "remove_row": "0"})
    values = form_values(shrunk)
    assert "krs-0-title" not in values and values["krs-1-title"] == "回复数"
    assert db.session.scalar(select(KRTemplate).where(KRTemplate.name == "内容专员 2027")) is None

    response = client.post("/okrs/templates/new", data=data)
    assert response.status_code == 303
    created = db.session.scalar(select(KRTemplate).where(KRTemplate.name == "内容专员 2027"))
    assert len(created.key_results) == 2
    created_id = created.id
    response = client.post(f"/okrs/templates/{created_id}/delete")
    assert response.status_code == 303
    assert "Template “内容专员 2027” deleted." in flashes(client.get(response.headers["Location"]))
    db.session.rollback()
    assert db.session.scalar(select(KRTemplate.id).where(KRTemplate.id == created_id)) is None


def test_builtins_cannot_be_edited_or_deleted(client, login, org):
    before = snapshot("kr_template")
    login(org.admin)
    assert client.get(f"/okrs/templates/{org.template.id}/edit").status_code == 403
    response = client.post(f"/okrs/templates/{org.template.id}/edit", data=_template_form())
    assert response.status_code == 403
    assert client.post(f"/okrs/templates/{org.template.id}/delete").status_code == 403
    assert snapshot("kr_template") == before


def test_managers_cannot_create_copy_edit_or_delete_templates(client, login, org):
    login(org.admin)
    client.post(f"/okrs/templates/{org.template.id}/copy")
    copy = db.session.scalar(select(KRTemplate).where(KRTemplate.built_in.is_(False)))
    before = snapshot("kr_template")
    for person in (org.head, org.seo):
        login(person)
        assert client.post("/okrs/templates/new", data=_template_form()).status_code == 403
        assert client.post(f"/okrs/templates/{org.template.id}/copy").status_code == 403
        assert client.get(f"/okrs/templates/{copy.id}/edit").status_code == 403
        response = client.post(f"/okrs/templates/{copy.id}/edit", data=_template_form())
        assert response.status_code == 403
        assert client.post(f"/okrs/templates/{copy.id}/delete").status_code == 403
    assert snapshot("kr_template") == before
