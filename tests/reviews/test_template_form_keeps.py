"""The template edit form keeps what it does not show: scorecard sections, points composites,
rewards and penalties, streak rules, roll-ups and their weights come through a save exactly, and
the form says which parts it does not show."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.review_templates.services import copy_template, load_builtin_templates
from okr.reviews.models import ReviewTemplate
from tests.helpers import form_values, text

BASE = "/reviews/templates"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
WITH_JSON_ONLY = (
    "new-media-monthly",
    "new-media-yearly",
    "marketing-planning-quarterly",
    "monthly-objectives-100",
    "marketing-dept-120",
    "customer-service-40",
    "promotion-monthly-100",
)


@pytest.fixture
def org(app, admin):
    load_builtin_templates()
    db.session.commit()
    templates = {t.family: t for t in db.session.scalars(select(ReviewTemplate))}
    return SimpleNamespace(admin=admin, templates=templates)


def _copy(org, family):
    template = copy_template(org.templates[family])
    db.session.commit()
    return template


def _as_posted(values):
    """What a browser sends for the fields on the page: a ticked box as "y", an unticked one not."""
    posted = {}
    for name, value in values.items():
        if value is True:
            posted[name] = "y"
        elif value is not False and value is not None:
            posted[name] = value
    return posted


def _stored(template_id):
    db.session.expire_all()
    return copy.deepcopy(db.session.get(ReviewTemplate, template_id).spec)


@pytest.mark.parametrize("family", WITH_JSON_ONLY)
def test_saving_the_form_unchanged_keeps_the_whole_template(org, client, login, family):
    login(org.admin)
    template = _copy(org, family)
    before = _stored(template.id)
    page = client.get(f"{BASE}/{template.id}/edit", headers=EN)
    response = client.post(f"{BASE}/{template.id}/edit", data=_as_posted(form_values(page)))
    assert response.status_code == 303, text(response)
    assert _stored(template.id) == before


@pytest.mark.parametrize("family", WITH_JSON_ONLY)
def test_a_change_on_the_form_changes_only_that(org, client, login, family):
    login(org.admin)
    template = _copy(org, family)
    before = _stored(template.id)
    values = _as_posted(form_values(client.get(f"{BASE}/{template.id}/edit", headers=EN)))
    values["name"] = "改过的名字"
    values["description"] = "新的说明"
    values["min_peer_raters"] = "3"
    response = client.post(f"{BASE}/{template.id}/edit", data=values)
    assert response.status_code == 303, text(response)
    expected = copy.deepcopy(before)
    expected |= {"name": "改过的名字", "description": "新的说明", "min_peer_raters": 3}
    after = _stored(template.id)
    assert after == expected


def test_renaming_a_grade_that_a_hidden_rule_names_is_refused_beside_the_form(org, client, login):
    login(org.admin)
    template = _copy(org, "marketing-dept-120")  # its streak rules name 需鼓励
    before = _stored(template.id)
    values = _as_posted(form_values(client.get(f"{BASE}/{template.id}/edit", headers=EN)))
    row = next(k for k, v in values.items() if v == "需鼓励" and k.endswith("-label"))
    values[row] = "待提高"
    response = client.post(f"{BASE}/{template.id}/edit", data=values)
    assert response.status_code == 422
    assert "需鼓励" in text(response)
    assert _stored(template.id) == before


def test_the_form_says_which_parts_it_does_not_show_in_both_languages(org, client, login):
    login(org.admin)
    template = _copy(org, "new-media-monthly")
    english = text(client.get(f"{BASE}/{template.id}/edit", headers=EN))
    notice = english.split('id="json-only-notice">')[1].split("</p>")[0]
    assert "the points composite (a scorecard), scorecard sections, and rewards and penalties" in (
        notice
    )
    assert "Edit them in the JSON (export it, change it, import it as a new template)." in notice
    chinese = text(client.get(f"{BASE}/{template.id}/edit", headers=ZH))
    notice = chinese.split('id="json-only-notice">')[1].split("</p>")[0]
    assert "计分卡分区" in notice and "奖惩" in notice and "JSON" in notice
    yearly = text(client.get(f"{BASE}/{_copy(org, 'new-media-yearly').id}/edit", headers=EN))
    assert "roll-ups over cycles" in yearly.split('id="json-only-notice">')[1]
    plain = text(client.get(f"{BASE}/{_copy(org, 'okr-default').id}/edit", headers=EN))
    assert 'id="json-only-notice"' not in plain


@pytest.mark.parametrize("family", WITH_JSON_ONLY)
def test_export_then_import_keeps_every_part_too(org, client, login, family):
    login(org.admin)
    source = org.templates[family]
    exported = client.get(f"{BASE}/{source.id}/export").get_data(as_text=True)
    response = client.post(f"{BASE}/import", data={"text": exported})
    assert response.status_code == 303
    imported = db.session.scalar(select(ReviewTemplate).where(ReviewTemplate.built_in.is_(False)))
    assert imported.spec == source.spec
