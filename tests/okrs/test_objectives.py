"""Objectives through the views: create, refuse bad input, stale and frozen edits, audit, explain."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.extensions import db
from okr.objectives.approval import decide_set, submit_set
from okr.objectives.models import KeyResult, Objective, ObjectiveChange
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.org.models import Person
from tests.factories import promotion_team, q4_cycle
from tests.helpers import field_error, flashes, form_values, snapshot, text


@pytest.fixture
def org(make_person, make_department, admin):
    _marketing, team, head, lead, seo = promotion_team(make_department, make_person)
    cycle = q4_cycle()
    db.session.commit()
    return SimpleNamespace(admin=admin, team=team, head=head, lead=lead, seo=seo, cycle=cycle)


def _objective(org, title="提升自然搜索流量", owner=None, level="individual", **kw):
    owner = owner or org.seo
    data = ObjectiveData(title, "", kw.pop("weight", Decimal(100)), kw.pop("parent_id", None))
    data.progress_rule = kw.pop("progress_rule", "own_krs")
    objective = create_objective(org.cycle, level, data, owner, owner=owner, **kw)
    db.session.commit()
    return objective


def _with_krs(objective_id, *rows):
    objective = db.session.scalars(
        select(Objective)
        .where(Objective.id == objective_id)
        .options(db.joinedload(Objective.cycle), db.selectinload(Objective.key_results))
    ).one()
    owner = db.session.get(Person, objective.owner_id)
    krs = [add_key_result(objective, row, owner)[0] for row in rows]
    db.session.commit()
    return krs


def _kr(title, weight, kind="increase", start="0", target="100"):
    return KeyResultData(
        title, "", kind, Decimal(weight), Decimal(start) if start else None, Decimal(target)
    )


def test_an_objective_is_created_through_the_form_aligned_to_the_department(client, login, org):
    dept = _objective(
        org, "推广组: 独立访问量达6万", owner=org.lead, level="department", department=org.team
    )
    login(org.seo)
    form = client.get("/okrs/objectives/new?level=individual")
    assert f'value="{dept.id}"' in text(form) and "Department · 推广组: 独立访问量达6万" in text(
        form
    )
    response = client.post(
        "/okrs/objectives/new?level=individual",
        data={
            "title": "提升自然搜索流量",
            "weight": "60",
            "parent_id": dept.id,
            "progress_rule": "own_krs",
        },
    )
    assert response.status_code == 303
    mine = db.session.scalar(select(Objective).where(Objective.level == "individual"))
    assert (mine.owner_id, mine.parent_id, mine.weight, mine.status) == (
        org.seo.id,
        dept.id,
        Decimal(60),
        "draft",
    )
    page = text(client.get(f"/okrs/people/{org.seo.id}"))
    assert "aligns to “推广组: 独立访问量达6万”" in page and "Weight 60%" in page


BAD = [
    ({"title": "", "weight": "50"}, "title", "Enter a title."),
    ({"title": "X", "weight": "fifty"}, "weight", "“fifty” is not a number."),
    ({"title": "X", "weight": ""}, "weight", "Enter a number."),
    (
        {"title": "X", "weight": "50", "parent_id": "999"},
        "parent_id",
        "Align to an objective one level up",
    ),
]


def test_bad_objective_input_is_refused_beside_the_field(client, login, org):
    login(org.seo)
    for data, field, message in BAD:
        response = client.post(
            "/okrs/objectives/new?level=individual", data={"progress_rule": "own_krs", **data}
        )
        assert response.status_code == 422, data
        assert message in field_error(response, field), data
        assert form_values(response)["weight"] == data["weight"]
    assert db.session.scalar(select(Objective.id)) is None


def test_a_stale_objective_edit_shows_the_newer_values_and_keeps_mine(client, login, org):
    objective = _objective(org)
    login(org.seo)
    opened = form_values(client.get(f"/okrs/objectives/{objective.id}/edit"))
    login(org.lead)
    saved = client.post(
        f"/okrs/objectives/{objective.id}/edit",
        data={
            "title": "经理的版本",
            "weight": "70",
            "progress_rule": "own_krs",
            "version": opened["version"],
        },
    )
    assert saved.status_code == 303
    login(org.seo)
    mine = {
        "title": "我的版本",
        "weight": "80",
        "progress_rule": "own_krs",
        "version": opened["version"],
    }
    response = client.post(f"/okrs/objectives/{objective.id}/edit", data=mine)
    assert response.status_code == 422
    body = text(response)
    assert "Someone else saved this objective while you were editing." in body
    assert "<strong>经理的版本</strong> · Weight 70%" in body
    values = form_values(response)
    assert (values["title"], values["weight"]) == ("我的版本", "80")
    db.session.expire_all()
    assert db.session.get(Objective, objective.id).title == "经理的版本"
    again = client.post(
        f"/okrs/objectives/{objective.id}/edit", data={**mine, "version": values["version"]}
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(Objective, objective.id).title == "我的版本"


def test_objectives_are_frozen_while_the_cycle_runs(client, login, org):
    objective = _objective(org)
    org.cycle.status = "running"
    db.session.commit()
    before = snapshot("objective")
    login(org.seo)
    response = client.post(
        f"/okrs/objectives/{objective.id}/edit",
        data={
            "title": "改",
            "weight": "100",
            "progress_rule": "own_krs",
            "version": objective.version,
        },
    )
    assert response.status_code == 422
    assert "frozen while the cycle is running" in text(response)
    response = client.post(
        "/okrs/objectives/new?level=individual", data={"title": "新", "weight": "1"}
    )
    assert response.status_code == 422 and "frozen while the cycle is running" in text(response)
    deleted = client.post(
        f"/okrs/objectives/{objective.id}/delete", data={"version": objective.version}
    )
    assert (
        "frozen while the cycle is running" in flashes(client.get(deleted.headers["Location"]))[0]
    )
    assert snapshot("objective") == before
    page = text(client.get(f"/okrs/objectives/{objective.id}"))
    assert f"/okrs/objectives/{objective.id}/edit" not in page  # no edit buttons while frozen


def test_edits_after_approval_are_recorded_and_shown(client, login, org):
    objective = _objective(org, "提升自然流量")
    _with_krs(objective.id, _kr("自然流量", 100))
    submit_set(db.session.get(Objective, objective.id), org.seo)
    decide_set(db.session.get(Objective, objective.id), org.lead, True, "")
    db.session.commit()
    login(org.seo)
    opened = form_values(client.get(f"/okrs/objectives/{objective.id}/edit"))
    response = client.post(
        f"/okrs/objectives/{objective.id}/edit",
        data={
            "title": "提升自然搜索流量",
            "weight": "100",
            "progress_rule": "own_krs",
            "version": opened["version"],
        },
    )
    assert response.status_code == 303, text(response)
    change = db.session.scalar(select(ObjectiveChange).where(ObjectiveChange.action == "edited"))
    assert (change.actor_id, change.details) == (
        org.seo.id,
        {"changes": {"title": ["提升自然流量", "提升自然搜索流量"]}},
    )
    page = text(client.get(f"/okrs/objectives/{objective.id}"))
    assert "张玥: edited the objective" in page and "Title: 提升自然流量 → 提升自然搜索流量" in page
    assert "李喆: approved" in page and "张玥: submitted for approval" in page


def test_drafts_are_not_audited(client, login, org):
    objective = _objective(org)
    login(org.seo)
    client.post(
        f"/okrs/objectives/{objective.id}/edit",
        data={
            "title": "改标题",
            "weight": "100",
            "progress_rule": "own_krs",
            "version": objective.version,
        },
    )
    assert db.session.scalar(select(ObjectiveChange.id)) is None


def test_deleting_an_objective_with_aligned_children_is_refused(client, login, org):
    dept = _objective(org, "推广组目标", owner=org.lead, level="department", department=org.team)
    _objective(org, "个人目标", parent_id=dept.id)
    login(org.lead)
    response = client.post(f"/okrs/objectives/{dept.id}/delete", data={"version": dept.version})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "1 objective aligns to this one; align it elsewhere first." in flashes(page)
    assert db.session.get(Objective, dept.id) is not None
    child = db.session.scalar(select(Objective).where(Objective.level == "individual"))
    login(org.seo)
    client.post(f"/okrs/objectives/{child.id}/delete", data={"version": child.version})
    login(org.lead)
    response = client.post(f"/okrs/objectives/{dept.id}/delete", data={"version": dept.version})
    assert "Objective deleted." in flashes(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert db.session.scalar(select(Objective.id)) is None


def test_submit_refuses_weights_that_do_not_sum_and_return_needs_a_comment(client, login, org):
    first = _objective(org, "目标一", weight=Decimal(60))
    second = _objective(org, "目标二", weight=Decimal(50))
    _with_krs(first.id, _kr("A", 100))
    _with_krs(second.id, _kr("B", 40), _kr("C", 70))
    login(org.seo)
    response = client.post(f"/okrs/objectives/{first.id}/submit", follow_redirects=True)
    messages = " ".join(flashes(response))
    assert "The objective weights add up to 110%, not 100%." in messages
    assert "The key-result weights of “目标二” add up to 110%, not 100%." in messages
    db.session.expire_all()
    assert {o.status for o in db.session.scalars(select(Objective))} == {"draft"}
    second_obj = db.session.get(Objective, second.id)
    second_obj.weight = Decimal(40)
    db.session.scalar(select(KeyResult).where(KeyResult.title == "C")).weight = Decimal(60)
    db.session.commit()
    client.post(f"/okrs/objectives/{first.id}/submit")
    login(org.lead)
    response = client.post(
        f"/okrs/objectives/{first.id}/decide", data={"decision": "return", "comment": " "}
    )
    assert "Say what should change before returning the OKRs." in flashes(
        client.get(response.headers["Location"])
    )
    db.session.expire_all()
    assert {o.status for o in db.session.scalars(select(Objective))} == {"submitted"}
    client.post(
        f"/okrs/objectives/{first.id}/decide", data={"decision": "return", "comment": "目标二太少"}
    )
    login(org.seo)
    page = text(client.get(f"/okrs/people/{org.seo.id}"))
    assert "Returned: 目标二太少" in page


def test_the_explain_section_shows_the_arithmetic(client, login, org):
    dept = _objective(
        org,
        "推广组目标",
        owner=org.lead,
        level="department",
        department=org.team,
        progress_rule="both",
    )
    mine = _objective(org, "提升自然搜索流量", parent_id=dept.id)
    partial = _kr("互动率", 40, kind="at_least", start=None, target="3")
    partial.hold_scoring = "proportional"  # partial credit below 3, as before hold rules
    traffic, rate = _with_krs(mine.id, _kr("自然流量", 60, start="40000", target="60000"), partial)
    (pages,) = _with_krs(dept.id, _kr("收录页面", 100, start="100", target="300"))
    org.cycle.status = "running"
    db.session.commit()
    for kr, value in ((traffic, "50000"), (rate, "2.4"), (pages, "250")):
        record_checkin(db.session.get(KeyResult, kr.id), value, "on_track", "", org.seo, None)
    db.session.commit()
    login(org.seo)
    page = text(client.get(f"/okrs/objectives/{mine.id}"))
    assert "(50000 − 40000) ÷ (60000 − 40000) = 0.5" in page
    assert "2.4 is below 3: partial 2.4 ÷ 3 = 0.8" in page
    assert "(0.5 × 60 + 0.8 × 40) ÷ 100 = 62 ÷ 100 = 0.62" in page
    assert '<span class="pct">62%</span>' in page
    dept_page = text(client.get(f"/okrs/objectives/{dept.id}"))
    assert "Progress comes from: Both: the mean of the two." in dept_page
    assert "(250 − 100) ÷ (300 − 100) = 0.75" in dept_page
    assert "Aligned child 提升自然搜索流量: progress 0.62" in dept_page
    assert "(0.75 + 0.62) ÷ 2 = 0.685" in dept_page
    assert '<span class="pct">68.5%</span>' in dept_page


def test_objective_and_set_pages_query_counts_do_not_grow(client, login, org, count_queries):
    dept = _objective(org, "推广组目标", owner=org.lead, level="department", department=org.team)
    mine = _objective(org, "目标", parent_id=dept.id)
    _with_krs(mine.id, _kr("A", 50), _kr("B", 50))
    login(org.lead)
    urls = [
        f"/okrs/objectives/{mine.id}",
        f"/okrs/objectives/{dept.id}",
        f"/okrs/people/{org.seo.id}",
    ]
    for url in urls:
        client.get(url)

    def counts():
        result = []
        for url in urls:
            with count_queries() as q:
                assert client.get(url).status_code == 200
            result.append(q.count)
        return result

    few = counts()
    _with_krs(mine.id, *(_kr(f"K{n}", 0) for n in range(6)))
    for n in range(6):
        _objective(org, f"子目标{n}", parent_id=dept.id, weight=Decimal(0))
    assert counts() == few


def test_private_aligned_objectives_count_in_the_explanation_without_their_titles(
    client, login, org, make_person, make_department
):
    dept = _objective(
        org,
        "推广组目标",
        owner=org.lead,
        level="department",
        department=org.team,
        progress_rule="children",
    )
    mine = _objective(org, "张玥的私人目标", parent_id=dept.id)
    _with_krs(mine.id, _kr("自然流量", 100, start="0", target="10"))
    outsider = make_person("许嘉怡", department=make_department("客服组"))
    login(outsider)
    page = text(client.get(f"/okrs/objectives/{dept.id}"))
    assert "张玥的私人目标" not in page
    assert "Aligned child an individual objective you cannot open: progress 0" in page
    login(org.lead)
    page = text(client.get(f"/okrs/objectives/{dept.id}"))
    assert "Aligned child 张玥的私人目标: progress 0" in page
