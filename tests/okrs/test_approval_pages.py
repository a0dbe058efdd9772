"""Approving where people look: on the objective page, in a list on home; helpful refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.approval import submit_set
from okr.objectives.models import Objective
from okr.objectives.services import KeyResultData, add_key_result
from okr.objectives.waiting import WAITING_SHOWN
from tests.factories import draft_objective
from tests.helpers import flashes, snapshot, text


def _set(cycle, level, owner, title, department=None):
    objective = draft_objective(cycle, owner, title, level=level, department=department)
    add_key_result(
        objective,
        KeyResultData("独立访客", "人", "increase", Decimal(100), Decimal(100), Decimal(200)),
        owner,
    )
    submit_set(objective, owner)
    return objective


@pytest.fixture
def org(make_person, make_department):
    marketing = make_department("网络营销部")
    team = make_department("推广组", parent=marketing)
    hr_dept = make_department("人力资源部")
    hr = make_person("林慧", department=hr_dept, is_admin=True)
    boss = make_person("王志远", department=marketing)
    lead = make_person("李喆", department=team, manager=boss)
    seo = make_person("张玥", department=team, manager=lead)
    sem = make_person("刘彧", department=team, manager=lead)
    marketing.head_id, team.head_id = boss.id, lead.id
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    db.session.commit()
    mine = _set(cycle, "individual", seo, "提升自然搜索流量")
    team_set = _set(cycle, "department", lead, "推广组：独立访问量达6万", team)
    top = _set(cycle, "department", boss, "网络营销部：线上销售额增长30%", marketing)
    db.session.commit()
    return SimpleNamespace(**locals())


def _status(objective_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Objective, objective_id).status


def test_the_approver_decides_on_the_objective_page(client, login, org):
    login(org.lead)
    page = text(client.get(f"/okrs/objectives/{org.mine.id}"))
    assert "Waiting for your approval" in page
    assert "Your decision applies to the whole set: 1 objective of the OKRs of 张玥 waits." in page
    assert f'action="/okrs/objectives/{org.mine.id}/decide"' in page

    refused = client.post(
        f"/okrs/objectives/{org.mine.id}/decide",
        data={"decision": "return", "comment": "", "back": "objective"},
    )
    assert refused.headers["Location"] == f"/okrs/objectives/{org.mine.id}"
    assert "Say what should change before returning the OKRs." in flashes(
        client.get(refused.headers["Location"])
    )
    assert _status(org.mine.id) == "submitted"

    approved = client.post(
        f"/okrs/objectives/{org.mine.id}/decide", data={"decision": "approve", "back": "objective"}
    )
    assert approved.status_code == 303
    assert approved.headers["Location"] == f"/okrs/objectives/{org.mine.id}"
    assert _status(org.mine.id) == "approved"
    assert "Waiting for your approval" not in text(client.get(f"/okrs/objectives/{org.mine.id}"))


def test_others_see_who_approves_and_where(client, login, org):
    login(org.seo)
    page = text(client.get(f"/okrs/objectives/{org.mine.id}"))
    assert "李喆 approves it (or a manager above, or HR)." in page
    assert f'href="/okrs/people/{org.seo.id}?cycle={org.cycle.id}">OKRs of 张玥</a>' in page
    assert "/decide" not in page

    login(org.lead)  # heads 推广组, whose objectives the head above approves
    page = text(client.get(f"/okrs/objectives/{org.team_set.id}"))
    assert "王志远 approves it (or a manager above, or HR)." in page
    assert "/decide" not in page

    login(org.boss)  # a top department's set falls to HR
    page = text(client.get(f"/okrs/objectives/{org.top.id}"))
    assert "HR approves it: 林慧." in page
    assert "/decide" not in page


def test_a_colleague_can_neither_see_nor_decide(client, login, org):
    login(org.sem)
    assert client.get(f"/okrs/objectives/{org.mine.id}").status_code == 403
    response = client.post(
        f"/okrs/objectives/{org.mine.id}/decide", data={"decision": "approve", "back": "objective"}
    )
    assert response.status_code == 403
    assert _status(org.mine.id) == "submitted"


def _approvals(client) -> str:
    page = text(client.get("/"))
    if 'id="approvals"' not in page:
        return ""
    return page.split('id="approvals"')[1].split("</section>")[0]


def test_home_lists_what_waits_for_the_viewer(client, login, org, make_person):
    login(org.boss)
    section = _approvals(client)
    # not his own department's set: the head above (none here) or HR approves it
    assert "2 sets wait · 2 objectives in all" in section
    assert f'href="/okrs/people/{org.seo.id}?cycle={org.cycle.id}">张玥</a>' in section
    assert f'href="/okrs/departments/{org.team.id}?cycle={org.cycle.id}">推广组</a>' in section
    assert "网络营销部" not in section

    login(org.lead)
    section = _approvals(client)
    assert "1 set waits · 1 objective in all" in section
    assert "张玥" in section and "推广组" not in section

    login(org.hr)
    assert "3 sets wait · 3 objectives in all" in _approvals(client)

    login(org.seo)
    assert _approvals(client) == ""


def test_home_leaves_out_closed_cycles(client, login, org):
    org.cycle.status = "closed"
    db.session.commit()
    login(org.boss)
    assert _approvals(client) == ""


def test_home_query_count_does_not_grow_with_waiting_sets(
    client, login, org, make_person, make_department, count_queries
):
    login(org.boss)
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    next_quarter = create_cycle("quarter", date(2027, 1, 5))
    db.session.commit()
    for n in range(6):
        person = make_person(f"专员{n}", department=org.team, manager=org.lead)
        _set(org.cycle if n % 2 else next_quarter, "individual", person, f"目标{n}")
    for n in range(3):
        sub = make_department(f"小组{n}", parent=org.marketing)
        _set(next_quarter, "department", org.boss, f"小组目标{n}", sub)
    db.session.commit()
    with count_queries() as many:
        page = text(client.get("/"))
    assert "11 sets wait · 11 objectives in all" in page
    assert many.count == few.count


def test_home_lists_the_oldest_waiting_sets_and_counts_them_all(client, login, org, make_person):
    later = create_cycle("quarter", date(2027, 1, 5))
    db.session.commit()
    for n in range(WAITING_SHOWN + 3):
        person = make_person(f"专员{n:02d}", department=org.team, manager=org.lead)
        _set(later, "individual", person, f"目标{n}")
    db.session.commit()
    login(org.hr)
    section = _approvals(client)
    waiting = 3 + WAITING_SHOWN + 3  # the org's three, then the new ones
    assert f"{waiting} sets wait · {waiting} objectives in all" in section
    assert section.count("<tr>") == 1 + WAITING_SHOWN  # the header row and the shown sets
    assert "张玥" in section  # the current cycle's sets come first
    assert "专员16" in section and "专员17" not in section  # then the later cycle's, by name
    assert "6 more sets wait after these (the oldest are listed first)." in section


def test_a_department_head_asking_for_a_company_objective_is_told_whom_to_ask(client, login, org):
    login(org.boss)
    url = f"/okrs/objectives/new?cycle={org.cycle.id}&level=company"
    before = snapshot("objective")
    for response in (client.get(url), client.post(url, data={"title": "x", "weight": "100"})):
        assert response.status_code == 403
        page = text(response)
        assert (
            "Company objectives are added by HR administrators only. Ask 林慧 to add it; "
            "then align your objectives to it." in page
        )
        assert (
            f'href="/okrs/objectives/new?cycle={org.cycle.id}&amp;level=department'
            f'&amp;department={org.marketing.id}">Add an objective for 网络营销部</a>'
        ) in response.get_data(as_text=True)
    assert snapshot("objective") == before


def test_other_refused_additions_say_what_is_allowed(client, login, org):
    login(org.sem)
    department = client.get(
        f"/okrs/objectives/new?cycle={org.cycle.id}&level=department&department={org.team.id}"
    )
    assert department.status_code == 403
    assert "A department's objectives are added by its head" in text(department)
    someone = client.get(f"/okrs/objectives/new?cycle={org.cycle.id}&person={org.seo.id}")
    assert someone.status_code == 403
    assert "You can add objectives for yourself and for the people who report to you" in text(
        someone
    )
    assert "张玥" not in text(someone).split("<main")[1]  # no names of people out of reach
