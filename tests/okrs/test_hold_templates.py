"""KR templates carry hold rules: seed 001's built-ins score met or not met with the edge as the
seed writes it, an admin's template chooses them per key result, and applying keeps them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.kr_templates.models import KRTemplate
from okr.kr_templates.services import load_builtin_templates
from okr.objectives.models import KeyResult
from tests.factories import promotion_team, q4_cycle
from tests.helpers import field_error, form_values, snapshot, text


@pytest.fixture
def org(make_person, make_department, admin):
    _marketing, _team, _head, lead, seo = promotion_team(make_department, make_person)
    cycle = q4_cycle()
    load_builtin_templates()
    db.session.commit()
    templates = {t.name: t for t in db.session.scalars(select(KRTemplate))}
    return SimpleNamespace(admin=admin, lead=lead, seo=seo, cycle=cycle, templates=templates)


def _rules(template: KRTemplate) -> list[tuple[str, str | None, bool]]:
    return [(i["title"], i["hold_scoring"], i["hold_strict"]) for i in template.key_results]


def test_seed_001s_hold_krs_are_met_or_not_with_the_edge_as_written(org):
    assert _rules(org.templates["社交媒体运营"]) == [
        ("粉丝量从5万增长到6万", None, False),
        ("平均互动率≥3%", "pass_fail", False),
        ("活动ROI≥1:5", "pass_fail", False),
    ]
    assert _rules(org.templates["内容营销专员"]) == [
        ("内容产出量", None, False),
        ("平均页面停留时长", "pass_fail", False),
        ("内容转化率（下载/注册）", "pass_fail", False),
        ("内容分享率>5%", "pass_fail", True),
    ]
    holds = [
        item
        for template in org.templates.values()
        for item in template.key_results
        if item["kind"] in ("at_least", "at_most")
    ]
    assert {item["hold_scoring"] for item in holds} == {"pass_fail"}


def test_the_template_page_says_each_rule(client, login, org):
    login(org.lead)
    page = text(client.get(f"/okrs/templates/{org.templates['内容营销专员'].id}"))
    assert "> 5%, met or not" in page and "≥ 3%, met or not" in page


def test_applying_a_template_keeps_its_hold_rules(client, login, org):
    login(org.lead)
    template = org.templates["内容营销专员"]
    response = client.post(
        f"/okrs/templates/{template.id}/apply",
        data={"cycle": org.cycle.id, "weight": "40", "scope": "person", "person": org.seo.email},
    )
    assert response.status_code == 303
    krs = db.session.scalars(select(KeyResult).order_by(KeyResult.position)).all()
    assert [(k.title, k.hold_scoring, k.hold_strict) for k in krs] == _rules(template)


def _form(**row):
    data = {"name": "内容专员 2027", "position": "", "objective_title": "内容带来转化"}
    data |= {f"krs-0-{key}": value for key, value in row.items()}
    return data


SHARE = {"title": "分享率", "kind": "at_least", "weight": "100", "unit": "%", "target": "5"}


def test_an_admin_chooses_a_template_krs_hold_rule(client, login, org):
    login(org.admin)
    row = SHARE | {"hold_scoring": "proportional", "hold_strict": "inclusive", "direction": "up"}
    response = client.post("/okrs/templates/new", data=_form(**row))
    assert response.status_code == 303, text(response)
    created = db.session.scalar(select(KRTemplate).where(KRTemplate.name == "内容专员 2027"))
    assert _rules(created) == [("分享率", "proportional", False)]
    values = form_values(client.get(f"/okrs/templates/{created.id}/edit"))
    assert (values["krs-0-hold_scoring"], values["krs-0-hold_strict"]) == (
        "proportional",
        "inclusive",
    )


def test_a_template_kr_with_a_rule_that_cannot_work_is_refused_beside_it(client, login, org):
    login(org.admin)
    before = snapshot("kr_template")
    row = SHARE | {"hold_scoring": "proportional", "hold_strict": "strict", "direction": "up"}
    response = client.post("/okrs/templates/new", data=_form(**row))
    assert response.status_code == 422
    assert field_error(response, "krs-0-hold_strict").startswith(
        "Partial credit gives 100% at the target itself"
    )
    assert form_values(response)["krs-0-hold_strict"] == "strict"
    assert snapshot("kr_template") == before
