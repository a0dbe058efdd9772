"""A binding planning window: outside it, objectives are neither added nor submitted, except by
HR, on every path (the objective form, submitting a set, KR templates), 422 with the reason; a
window that only guides (the default) refuses nothing."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.kr_templates.models import KRTemplate
from okr.kr_templates.services import load_builtin_templates
from okr.objectives.models import Objective
from tests.factories import draft_objective, promotion_team, q4_cycle, today
from tests.helpers import flashes, text

REFUSED = "The planning window of 2026 Q4 is binding"


@pytest.fixture
def org(make_person, make_department, admin):
    _marketing, team, _head, lead, seo = promotion_team(make_department, make_person)
    cycle = q4_cycle()
    load_builtin_templates()
    db.session.commit()
    template = db.session.scalar(select(KRTemplate).where(KRTemplate.name == "SEO专员"))
    return SimpleNamespace(
        admin=admin, team=team, lead=lead, seo=seo, cycle=cycle, template=template
    )


def _window(cycle: Cycle, state: str, binding: bool = True) -> None:
    day = today()
    if state == "closed":
        cycle.planning_opens, cycle.planning_closes = (
            day - timedelta(days=9),
            day - timedelta(days=2),
        )
    elif state == "before":
        cycle.planning_opens, cycle.planning_closes = (
            day + timedelta(days=2),
            day + timedelta(days=9),
        )
    else:
        cycle.planning_opens, cycle.planning_closes = (
            day - timedelta(days=1),
            day + timedelta(days=1),
        )
    cycle.planning_binding = binding
    db.session.commit()


def _count(owner) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(Objective).where(Objective.owner_id == owner.id)).all())


def _new(client, org, level="individual"):
    return client.post(
        f"/okrs/objectives/new?cycle={org.cycle.id}&level={level}",
        data={"title": "学习新产品", "weight": "100", "progress_rule": "own_krs"},
    )


@pytest.mark.parametrize("state", ["closed", "before"])
def test_the_form_refuses_an_employee_outside_a_binding_window(client, login, org, state):
    _window(org.cycle, state)
    login(org.seo)
    response = _new(client, org)
    assert response.status_code == 422
    assert REFUSED in text(response) and "ask HR" in text(response)
    assert _count(org.seo) == 0


def test_hr_still_adds_objectives_outside_a_binding_window(client, login, org):
    _window(org.cycle, "closed")
    login(org.admin)
    assert _new(client, org, "company").status_code == 303
    assert _count(org.admin) == 1


@pytest.mark.parametrize(("state", "binding"), [("open", True), ("closed", False)])
def test_an_open_or_guiding_window_refuses_nothing(client, login, org, state, binding):
    _window(org.cycle, state, binding)
    login(org.seo)
    assert _new(client, org).status_code == 303
    assert _count(org.seo) == 1


def test_submitting_a_set_is_refused_outside_a_binding_window_except_by_hr(client, login, org):
    objective = draft_objective(org.cycle, org.seo, "提升自然搜索流量")
    db.session.commit()
    _window(org.cycle, "closed")
    login(org.seo)
    # the set has no key results: the window is checked first, so its refusal is what is said
    response = client.post(f"/okrs/objectives/{objective.id}/submit")
    assert response.status_code == 422 and REFUSED in text(response)
    db.session.expire_all()
    assert db.session.get(Objective, objective.id).status == "draft"
    login(org.admin)
    response = client.post(f"/okrs/objectives/{objective.id}/submit")
    assert response.status_code == 303  # past the window; the weights' check speaks now
    assert REFUSED not in " ".join(flashes(client.get(response.headers["Location"])))


def test_kr_templates_are_refused_to_a_manager_and_applied_by_hr(client, login, org):
    _window(org.cycle, "closed")
    form = {"cycle": org.cycle.id, "weight": "40", "scope": "person", "person": org.seo.email}
    login(org.lead)
    response = client.post(f"/okrs/templates/{org.template.id}/apply", data=form)
    assert response.status_code == 422 and REFUSED in text(response)
    assert _count(org.seo) == 0
    login(org.admin)
    response = client.post(f"/okrs/templates/{org.template.id}/apply", data=form)
    assert response.status_code == 303
    assert _count(org.seo) == 1


def test_hr_makes_the_window_binding_on_the_calendar(client, login, org):
    login(org.admin)
    cycle = org.cycle
    data = {
        "cadence": "weekly",
        "planning_opens": "2026-09-28",
        "planning_closes": "2026-09-30",
        "planning_binding": "y",
        "version": cycle.version,
    }
    assert client.post(f"/cycles/{cycle.id}/calendar", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).planning_binding is True
    page = text(client.get(f"/cycles/{cycle.id}/calendar"))
    assert 'name="planning_binding"' in page and "checked" in page
    data = {**data, "planning_binding": "", "version": db.session.get(Cycle, cycle.id).version}
    data.pop("planning_binding")
    assert client.post(f"/cycles/{cycle.id}/calendar", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id).planning_binding is False
