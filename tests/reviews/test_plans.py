"""Improvement plans: drafted from the weakest results, edited by the chain, agreed, closed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.plans.drafting import draft_plan
from okr.plans.services import add_follow_up, open_items, plan_of
from okr.reviews.models import ImprovementItem, ImprovementPlan
from tests.factories import build_org, okr_default_org, open_cycle_review, rated_and_final
from tests.helpers import field_error, flashes, snapshot, text

PLAN_TABLES = ("improvement_plan", "improvement_item")


@pytest.fixture
def setup(make_person, make_department):
    """The default scheme: KR at 50%, weak peer cooperation, weak interview skills -> 56.25."""
    org, person, kr = okr_default_org(make_person, make_department)
    return org, person, kr, org.appraisal(person)


def _plan(appraisal_id: int) -> ImprovementPlan | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ImprovementPlan).where(ImprovementPlan.appraisal_id == appraisal_id)
    )


def _items(plan: ImprovementPlan) -> list[ImprovementItem]:
    return list(
        db.session.scalars(
            select(ImprovementItem)
            .where(ImprovementItem.plan_id == plan.id)
            .order_by(ImprovementItem.id)
        )
    )


def _url(appraisal, suffix: str = "") -> str:
    return f"/reviews/appraisals/{appraisal.id}/plan{suffix}"


def _finalized_with_plan(client, login, setup, run_jobs):
    org, _person, _kr, appraisal = setup
    login(org.hr).post(f"/reviews/{org.reviews[-1].id}/calibration/finalize")
    run_jobs()
    plan = _plan(appraisal.id)
    assert plan is not None
    return plan


# Drafting -----------------------------------------------------------------------------------


def test_finalizing_a_plan_grade_drafts_indicator_training_and_growth_items(
    client, login, setup, run_jobs
):
    org, person, _kr, _appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    db.session.expire_all()
    assert org.appraisal(person).final_grade == "不合格"  # 30 + 14.25 + 12 = 56.25
    items = [(i.section, i.title, i.current, i.target, i.owner_id, i.due) for i in _items(plan)]
    manager = org.managers[0].id
    mid, end = date(2027, 2, 15), date(2027, 3, 31)  # within the next cycle, 2027 Q1
    assert items == [
        ("indicator", "粉丝数", "55000人", "60000人", person.id, end),
        ("indicator", "专业能力 (one-on-one interview)", "2 / 5", "3 / 5", person.id, end),
        ("training", "Training: 专业能力", "", "", manager, mid),
        ("indicator", "合作能力 (peer evaluation)", "2.5 / 5", "4 / 5", person.id, end),
        ("training", "Training: 合作能力", "", "", manager, mid),
        ("growth", items[-1][1], "", "", person.id, end),
    ]
    assert "2027 Q1" in items[-1][1]
    assert plan.status == "draft" and plan.person_id == person.id


def test_drafting_again_changes_nothing(client, login, setup, run_jobs):
    org, _person, _kr, _appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    before = snapshot(*PLAN_TABLES)
    again = draft_plan(org.appraisal(org.staff[0]), org.spec, requested=True)
    db.session.commit()
    assert again.id == plan.id
    assert snapshot(*PLAN_TABLES) == before


def test_a_good_grade_gets_no_plan_unless_asked(client, login, make_person, make_department):
    org = build_org(make_person, make_department, per_manager=1)
    open_cycle_review(org)
    appraisal = rated_and_final(org, org.staff[0], "100")
    assert _plan(appraisal.id) is None
    response = login(org.managers[0]).post(_url(appraisal, "/draft"), data={"targets": "full"})
    assert response.status_code == 303
    plan = _plan(appraisal.id)
    assert [i.section for i in _items(plan)] == ["growth"]  # nothing weak below the top


def test_on_demand_draft_can_set_half_way_targets(client, login, setup):
    org, _person, _kr, appraisal = setup
    login(org.managers[0]).post(_url(appraisal, "/draft"), data={"targets": "half"})
    kr_item = next(i for i in _items(_plan(appraisal.id)) if i.title == "粉丝数")
    assert (kr_item.current, kr_item.target) == ("55000人", "57500人")


def test_an_override_to_a_plan_grade_drafts_a_plan(client, login, make_person, make_department):
    org = build_org(make_person, make_department, per_manager=1)
    open_cycle_review(org)
    appraisal = rated_and_final(org, org.staff[0], "85")
    assert _plan(appraisal.id) is None
    prefix = f"a{appraisal.id}"
    login(org.hr).post(
        f"/reviews/{org.reviews[-1].id}/calibration/appraisals/{appraisal.id}/grade",
        data={f"{prefix}-grade": "合格", f"{prefix}-reason": "校准"},
    )
    assert _plan(appraisal.id) is not None


# The page and who may do what ---------------------------------------------------------------


def test_the_person_their_chain_and_hr_see_the_plan(client, login, setup, make_person, run_jobs):
    org, person, _kr, appraisal = setup
    _finalized_with_plan(client, login, setup, run_jobs)
    for viewer in (person, org.managers[0], org.hr):
        response = login(viewer).get(_url(appraisal))
        assert response.status_code == 200
        assert "Training: 专业能力" in text(response)
    body = text(login(person).get(_url(appraisal)))
    assert "Grade: 不合格" not in body  # not released yet: the person does not see the grade
    assert "Grade: 不合格" in text(login(org.managers[0]).get(_url(appraisal)))
    for stranger in (org.staff[1], make_person("外人")):
        assert login(stranger).get(_url(appraisal)).status_code == 403


def test_the_manager_edits_an_item_inline(client, login, setup, run_jobs):
    org, _person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    item = _items(plan)[0]
    p = f"item{item.id}"
    response = login(org.managers[0]).post(
        _url(appraisal, f"/items/{item.id}"),
        data={
            f"{p}-section": "indicator",
            f"{p}-title": "粉丝数到 58000",
            f"{p}-current": "55000 人",
            f"{p}-target": "58000 人",
            f"{p}-owner": org.managers[0].id,
            f"{p}-due": "2027-02-28",
            f"{p}-status": "in_progress",
        },
        headers={"HX-Request": "true"},
    )
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith("<article")
    assert f'id="plan-item-{item.id}"' in body and "粉丝数到 58000" in body
    db.session.expire_all()
    item = db.session.get(ImprovementItem, item.id)
    assert (item.target, item.owner_id, item.due, item.status) == (
        "58000 人",
        org.managers[0].id,
        date(2027, 2, 28),
        "in_progress",
    )


def test_adding_an_item_without_a_title_is_refused_beside_the_field(client, login, setup, run_jobs):
    org, _person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    before = snapshot(*PLAN_TABLES)
    data = {"new-section": "training", "new-title": " ", "new-owner": org.managers[0].id}
    data["new-status"] = "open"
    response = login(org.managers[0]).post(
        _url(appraisal, "/items"), data=data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "Say what is to be done." in field_error(response, "new-title")
    assert "<html" not in text(response) and 'id="plan-items"' in text(response)
    assert snapshot(*PLAN_TABLES) == before
    data["new-title"] = "参加 SEO 培训"
    response = client.post(_url(appraisal, "/items"), data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "参加 SEO 培训" in text(response)
    assert len(_items(plan)) == 7


def test_deleting_an_item(client, login, setup, run_jobs):
    org, _person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    first, second = _items(plan)[:2]
    login(org.managers[0])
    response = client.post(
        _url(appraisal, f"/items/{first.id}/delete"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response.data == b""
    response = client.post(_url(appraisal, f"/items/{second.id}/delete"))
    assert response.status_code == 303
    assert len(_items(plan)) == 4


def _every_write(client, appraisal, item):
    p = f"item{item.id}"
    item_data = {f"{p}-section": "growth", f"{p}-title": "x", f"{p}-owner": appraisal.person_id}
    item_data[f"{p}-status"] = "done"
    yield client.post(_url(appraisal, "/draft"), data={"targets": "full"})
    yield client.post(_url(appraisal, "/items"), data={"new-title": "x", "new-section": "growth"})
    yield client.post(_url(appraisal, f"/items/{item.id}"), data=item_data)
    yield client.post(_url(appraisal, f"/items/{item.id}/delete"))
    yield client.post(_url(appraisal, "/agree"))
    yield client.post(_url(appraisal, "/close"), data={"outcome": "完成"})


def test_the_person_cannot_edit_agree_or_close_their_own_plan(client, login, setup, run_jobs):
    _org, person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    before = snapshot(*PLAN_TABLES)
    login(person)
    assert [r.status_code for r in _every_write(client, appraisal, _items(plan)[0])] == [403] * 6
    assert snapshot(*PLAN_TABLES) == before


def test_nobody_outside_the_chain_touches_someone_elses_plan(
    client, login, setup, make_person, run_jobs
):
    org, _person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    item = _items(plan)[0]
    before = snapshot(*PLAN_TABLES)
    for outsider in (org.staff[1], make_person("别的经理")):
        login(outsider)
        assert [r.status_code for r in _every_write(client, appraisal, item)] == [403] * 6
        note = client.post(
            _url(appraisal, f"/items/{item.id}/notes"), data={f"note{item.id}-text": "x"}
        )
        assert note.status_code == 403
    assert snapshot(*PLAN_TABLES) == before


def test_an_item_of_another_plan_is_not_found(
    client, login, setup, make_person, make_department, run_jobs
):
    org, _person, _kr, appraisal = setup
    _finalized_with_plan(client, login, setup, run_jobs)
    other = build_org(make_person, make_department, per_manager=1, tag="x")
    open_cycle_review(other, date(2027, 2, 1))
    foreign = rated_and_final(other, other.staff[0], "50")
    foreign_item = _items(_plan(foreign.id))[0]
    response = login(org.managers[0]).post(_url(appraisal, f"/items/{foreign_item.id}/delete"))
    assert response.status_code == 404


def test_everyone_in_view_adds_follow_up_notes(client, login, setup, run_jobs):
    org, person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    item = _items(plan)[0]
    field = f"note{item.id}-text"
    response = login(person).post(
        _url(appraisal, f"/items/{item.id}/notes"),
        data={field: "已完成一半"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "已完成一半" in text(response)
    login(org.hr).post(_url(appraisal, f"/items/{item.id}/notes"), data={field: "跟进"})
    db.session.expire_all()
    notes = db.session.get(ImprovementItem, item.id).follow_ups
    assert [(n["by"], n["text"]) for n in notes] == [(person.id, "已完成一半"), (org.hr.id, "跟进")]
    response = client.post(_url(appraisal, f"/items/{item.id}/notes"), data={field: " "})
    assert response.status_code == 422
    assert "Write the note." in field_error(response, field)


def test_the_manager_agrees_the_plan(client, login, setup, run_jobs):
    org, _person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    assert login(org.hr).post(_url(appraisal, "/agree")).status_code == 403  # HR is not the manager
    response = login(org.managers[0]).post(
        _url(appraisal, "/agree"), data={"version": plan.version}, follow_redirects=True
    )
    assert "The plan is agreed." in flashes(response)
    plan = _plan(appraisal.id)
    assert plan.status == "agreed" and plan.agreed_at is not None


def test_a_plan_without_items_cannot_be_agreed(client, login, setup, run_jobs):
    org, _person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    for item in _items(plan):
        db.session.delete(item)
    db.session.commit()
    response = login(org.managers[0]).post(_url(appraisal, "/agree"), follow_redirects=True)
    assert "Add at least one item before agreeing the plan." in flashes(response)
    assert _plan(appraisal.id).status == "draft"


def test_closing_needs_an_outcome_and_then_locks_the_plan(client, login, setup, run_jobs):
    org, _person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    item = _items(plan)[0]
    login(org.hr)
    response = client.post(_url(appraisal, "/close"), data={"outcome": "", "version": plan.version})
    assert response.status_code == 422
    assert "Write the outcome" in field_error(response, "outcome")
    assert _plan(appraisal.id).status == "draft"
    client.post(_url(appraisal, "/close"), data={"outcome": "目标达成，绩效恢复良好"})
    plan = _plan(appraisal.id)
    assert (plan.status, plan.outcome) == ("closed", "目标达成，绩效恢复良好")
    assert plan.closed_at is not None
    before = snapshot(*PLAN_TABLES)
    field = f"note{item.id}-text"
    assert (
        client.post(_url(appraisal, f"/items/{item.id}/notes"), data={field: "x"}).status_code
        == 422
    )
    p = f"item{item.id}"
    edit = {f"{p}-section": "growth", f"{p}-title": "x", f"{p}-owner": appraisal.person_id}
    edit[f"{p}-status"] = "done"
    response = client.post(_url(appraisal, f"/items/{item.id}"), data=edit)
    assert response.status_code == 422 and "closed" in text(response)
    assert snapshot(*PLAN_TABLES) == before


def test_plan_page_query_count_does_not_grow_with_items(
    client, login, setup, count_queries, run_jobs
):
    org, person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    item = _items(plan)[0]
    counts = []
    for viewer in (org.managers[0], person):
        login(viewer)
        with count_queries() as few:
            assert client.get(_url(appraisal)).status_code == 200
        counts.append(few.count)
    for n in range(8):
        db.session.add(
            ImprovementItem(
                plan_id=plan.id,
                section="training",
                title=f"课程 {n}",
                owner_id=org.hr.id,
                follow_ups=[],
            )
        )
    add_follow_up(plan, item, "进展", org.hr)
    db.session.commit()
    for viewer in (org.managers[0], person):
        login(viewer)
        with count_queries() as many:
            assert client.get(_url(appraisal)).status_code == 200
        counts.append(many.count)
    assert counts[:2] == counts[2:]


# The next cycle's OKR planning --------------------------------------------------------------


def test_open_items_show_in_the_next_cycles_okr_planning(
    client, login, setup, count_queries, run_jobs
):
    org, person, _kr, appraisal = setup
    plan = _finalized_with_plan(client, login, setup, run_jobs)
    items = _items(plan)
    items[0].status = "done"
    db.session.commit()
    following = create_cycle("quarter", date(2027, 1, 10))
    db.session.commit()
    for viewer in (person, org.managers[0], org.hr):
        body = text(login(viewer).get(f"/okrs/people/{person.id}?cycle={following.id}"))
        assert 'id="open-plan-items"' in body
        assert "Training: 专业能力" in body and f'id="open-item-{items[0].id}"' not in body
    body = text(login(person).get(f"/okrs/people/{person.id}?cycle={org.cycles[0].id}"))
    assert 'id="open-plan-items"' not in body  # the plan's own cycle: not "next" yet
    colleague = db.session.get(type(person), org.staff[1].id)
    assert open_items(colleague, person.id, following.start) == []
    with count_queries() as queries:
        assert len(open_items(person, person.id, following.start)) == 5
    assert queries.count == 1
    plan = _plan(appraisal.id)
    plan.status = "closed"
    db.session.commit()
    assert open_items(person, person.id, following.start) == []


def test_plan_of_loads_items_with_their_owners(client, login, setup, run_jobs):
    _org, _person, _kr, appraisal = setup
    _finalized_with_plan(client, login, setup, run_jobs)
    db.session.expire_all()
    plan = plan_of(appraisal)
    assert {item.owner.name for item in plan.items} == {"郑堃", "吴昊"}
    assert Decimal(len(plan.items)) == 6
