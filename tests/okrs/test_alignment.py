"""The alignment tree: company -> department -> individual, one level per request, read-filtered."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.models import Objective
from okr.org.models import Company, Department, Person
from tests.helpers import field_error, text


def objective(
    cycle, level, title, owner, *, department=None, parent=None, progress=None, confidence=None
):
    row = Objective(
        cycle_id=cycle.id,
        level=level,
        title=title,
        owner_id=owner.id,
        department_id=department.id if department else None,
        parent_id=parent.id if parent else None,
        weight=Decimal(100),
        status="approved",
        progress=progress,
        confidence=confidence,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def tree(make_department, make_person, admin):
    """2026 Q4: a company objective, 推广组's objective under it, two people's under that; and loose ends."""
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    marketing = make_department("网络营销部")
    seo = make_department("推广组", parent=marketing)
    service = make_department("客服部")
    head = make_person("王志远", department=marketing, email="wang@example.com")
    lead = make_person("李喆", department=seo, manager=head, email="lizhe@example.com")
    zhang = make_person("张玥", department=seo, manager=lead, email="zhangyue@example.com")
    chen = make_person("陈晨", department=seo, manager=lead, email="chenchen@example.com")
    agent = make_person("刘客服", department=service, email="liu@example.com")
    company = objective(
        cycle,
        "company",
        "Q4 线上销售额增长30%",
        admin,
        progress=Decimal("0.4"),
        confidence="at_risk",
    )
    dept = objective(
        cycle, "department", "推广组: 独立访问量达6万", lead, department=seo, parent=company
    )
    loose_dept = objective(cycle, "department", "客服部: 响应时间", agent, department=service)
    mine = objective(cycle, "individual", "张玥: 自然搜索流量", zhang, department=seo, parent=dept)
    theirs = objective(cycle, "individual", "陈晨: 外链建设", chen, department=seo, parent=dept)
    loose = objective(cycle, "individual", "陈晨: 个人学习", chen, department=seo)
    return {
        "cycle": cycle,
        "marketing": marketing,
        "seo": seo,
        "service": service,
        "admin": admin,
        "head": head,
        "lead": lead,
        "zhang": zhang,
        "chen": chen,
        "agent": agent,
        "company": company,
        "dept": dept,
        "loose_dept": loose_dept,
        "mine": mine,
        "theirs": theirs,
        "loose": loose,
    }


def node(body: str, objective_id: int) -> str:
    """The markup of one node, up to its children container or its end."""
    start = body.index(f'id="objective-{objective_id}"')
    end = body.find("</li>", start)
    return body[start:end]


def test_page_shows_company_objectives_with_progress_owner_and_children_on_demand(
    client, login, tree
):
    login(tree["admin"])
    response = client.get("/alignment/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    root = node(body, tree["company"].id)
    assert "Q4 线上销售额增长30%" in root
    assert "Admin" in root
    assert '<span class="pct">40%</span>' in root and 'class="progress conf-at_risk"' in root
    assert "1 aligned objective" in root
    url = f"/alignment/objectives/{tree['company'].id}/children"
    assert f'hx-get="{url}"' in root
    assert f'hx-target="#children-{tree["company"].id}"' in root
    assert f'id="children-{tree["company"].id}"' in root
    # without JavaScript the container offers the objective page
    assert f'href="/okrs/objectives/{tree["company"].id}"' in root
    # one level only: the department objective under it is not drawn yet
    assert f'id="objective-{tree["dept"].id}"' not in body
    assert "not aligned" not in root


def test_unaligned_department_and_individual_objectives_are_listed_and_marked(client, login, tree):
    login(tree["admin"])
    body = client.get("/alignment/").get_data(as_text=True)
    section = body[body.index('id="alignment-unaligned"') :]
    for key in ("loose_dept", "loose"):
        assert f'id="objective-{tree[key].id}"' in section
        assert "not aligned" in node(section, tree[key].id)
    assert f'id="objective-{tree["mine"].id}"' not in section
    assert "that align to nothing: 2." in text(client.get("/alignment/"))


def test_children_fragment_loads_one_level_with_counts(client, login, tree):
    login(tree["admin"])
    response = client.get(
        f"/alignment/objectives/{tree['company'].id}/children", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith(
        f'<li class="align-node level-department" id="objective-{tree["dept"].id}"'
    )
    assert "2 aligned objectives" in node(body, tree["dept"].id)
    assert f'hx-get="/alignment/objectives/{tree["dept"].id}/children"' in body
    assert f'id="objective-{tree["mine"].id}"' not in body  # the next level waits
    assert "HX-Request" in response.headers["Vary"]

    people = client.get(
        f"/alignment/objectives/{tree['dept'].id}/children", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert f'id="objective-{tree["mine"].id}"' in people
    assert f'id="objective-{tree["theirs"].id}"' in people
    assert "hx-get" not in people  # individual objectives have nothing below


def test_children_page_without_javascript_is_a_whole_page(client, login, tree):
    login(tree["admin"])
    response = client.get(f"/alignment/objectives/{tree['dept'].id}/children")
    body = response.get_data(as_text=True)
    assert "<html" in body
    assert "Aligned to “推广组: 独立访问量达6万”" in text(response)
    assert f'id="objective-{tree["mine"].id}"' in body


def test_children_are_paged_with_a_show_more_link(app, client, login, tree):
    app.config["PAGE_SIZE"] = 1
    login(tree["admin"])
    url = f"/alignment/objectives/{tree['dept'].id}/children"
    first = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert first.count('class="align-node level-individual"') == 1
    assert f'hx-get="{url}?page=2"' in first and "Show more (1 of 2)" in first
    second = client.get(f"{url}?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert second.count('class="align-node level-individual"') == 1
    assert "Show more" not in second
    ids = {re.search(r'id="objective-(\d+)"', page).group(1) for page in (first, second)}
    assert ids == {str(tree["mine"].id), str(tree["theirs"].id)}


# Individual OKRs the viewer may not read ---------------------------------------------------------


def test_colleagues_individual_objectives_are_neither_shown_nor_counted(client, login, tree):
    login(tree["zhang"])
    level = client.get(
        f"/alignment/objectives/{tree['company'].id}/children", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "1 aligned objective" in node(level, tree["dept"].id)  # only her own, not 陈晨's
    people = client.get(
        f"/alignment/objectives/{tree['dept'].id}/children", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "张玥: 自然搜索流量" in people
    assert "陈晨" not in people
    page = client.get("/alignment/").get_data(as_text=True)
    assert "陈晨: 个人学习" not in page
    assert "客服部: 响应时间" in page  # department objectives are everyone's to read


def test_manager_reads_the_reports_objectives_in_the_tree(client, login, tree):
    login(tree["lead"])
    people = client.get(f"/alignment/objectives/{tree['dept'].id}/children").get_data(as_text=True)
    assert "张玥: 自然搜索流量" in people and "陈晨: 外链建设" in people


def test_transparency_lets_the_department_read_its_members(client, login, tree):
    db.session.add(Company(name="ACME", okr_transparency=True))
    db.session.commit()
    login(tree["zhang"])
    people = client.get(f"/alignment/objectives/{tree['dept'].id}/children").get_data(as_text=True)
    assert "陈晨: 外链建设" in people
    login(tree["agent"])  # another department
    people = client.get(f"/alignment/objectives/{tree['dept'].id}/children").get_data(as_text=True)
    assert "陈晨" not in people and "张玥" not in people


def test_children_of_an_objective_the_viewer_may_not_read_are_refused(client, login, tree):
    login(tree["agent"])
    response = client.get(f"/alignment/objectives/{tree['theirs'].id}/children")
    assert response.status_code == 403
    assert "陈晨" not in text(response)
    assert client.get("/alignment/objectives/999999/children").status_code == 404


def test_filtering_does_not_reveal_hidden_objectives(client, login, tree):
    login(tree["agent"])
    body = client.get("/alignment/?person=chenchen").get_data(as_text=True)
    assert "陈晨" not in body
    assert "No objective of 2026 Q4 matches." in text(client.get("/alignment/?person=chenchen"))


# Filters ---------------------------------------------------------------------------------------


def test_person_filter_shows_matches_with_their_path_to_the_company(client, login, tree):
    login(tree["admin"])
    response = client.get("/alignment/?person=张玥")
    body = response.get_data(as_text=True)
    matches = body[body.index('id="alignment-matches"') :]
    assert f'id="objective-{tree["mine"].id}"' in matches
    crumbs = matches[: matches.index(f'id="objective-{tree["mine"].id}"')]
    assert crumbs.index("Q4 线上销售额增长30%") < crumbs.index("推广组: 独立访问量达6万")
    assert f'id="objective-{tree["theirs"].id}"' not in matches
    by_email = client.get("/alignment/?person=ZHANGYUE@example").get_data(as_text=True)
    assert f'id="objective-{tree["mine"].id}"' in by_email
    # a typed % is searched for, not used as a wildcard
    assert "No objective of 2026 Q4 matches." in text(client.get("/alignment/?person=%25"))


def test_department_filter_includes_departments_below(client, login, tree):
    login(tree["admin"])
    body = client.get(f"/alignment/?department={tree['marketing'].id}").get_data(as_text=True)
    matches = body[body.index('id="alignment-matches"') :]
    for key in ("dept", "mine", "theirs", "loose"):
        assert f'id="objective-{tree[key].id}"' in matches, key
    assert f'id="objective-{tree["loose_dept"].id}"' not in matches
    assert f'id="objective-{tree["company"].id}"' not in matches  # only on the paths, as a link
    assert f'href="/okrs/objectives/{tree["company"].id}"' in matches
    narrowed = client.get(f"/alignment/?department={tree['marketing'].id}&person=陈晨").get_data(
        as_text=True
    )
    assert "陈晨: 外链建设" in narrowed and "张玥: 自然搜索流量" not in narrowed


def test_filter_answers_htmx_with_the_view_fragment(client, login, tree):
    login(tree["admin"])
    response = client.get("/alignment/?person=张玥", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="alignment-view">')
    assert 'hx-target="#alignment-view"' in body
    assert f'id="objective-{tree["mine"].id}"' in body


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("department=999999", "department", "Choose a department from the list."),
        ("person=" + "x" * 101, "person", "Type at most 100 characters."),
    ],
)
def test_bad_filters_are_refused_beside_the_field(client, login, tree, query, field, message):
    login(tree["zhang"])
    response = client.get(f"/alignment/?{query}")
    assert response.status_code == 422
    assert field_error(response, field) == message
    assert 'id="objective-' not in response.get_data(as_text=True)


def test_unknown_cycle_is_not_found_and_another_cycle_can_be_chosen(client, login, tree):
    login(tree["admin"])
    assert client.get("/alignment/?cycle=999999").status_code == 404
    older = create_cycle("quarter", date(2026, 5, 1))
    objective(older, "company", "上季度公司目标", tree["admin"])
    body = client.get(f"/alignment/?cycle={older.id}").get_data(as_text=True)
    assert "上季度公司目标" in body and "Q4 线上销售额增长30%" not in body


# Query counts --------------------------------------------------------------------------------------


def _grow(tree, n):
    """n more departments aligned to the company objective, each with two people aligned below,
    and n more of 张玥's objectives under 推广组's (one commit)."""
    added = tree.setdefault("grown", 0)
    tree["grown"] += n

    def add(row):
        db.session.add(row)
        db.session.flush()
        return row

    def goal(level, title, owner, department, parent=None):
        return add(
            Objective(
                cycle_id=tree["cycle"].id,
                level=level,
                title=title,
                owner_id=owner.id,
                department_id=department.id,
                parent_id=parent.id if parent else None,
                weight=Decimal(100),
                status="approved",
            )
        )

    for i in range(added, added + n):
        department = add(Department(name=f"小组{i}", parent_id=tree["marketing"].id))
        lead = add(
            Person(
                name=f"组长{i}",
                email=f"lead{i}@example.com",
                department_id=department.id,
                manager_id=tree["head"].id,
            )
        )
        dept = goal("department", f"小组目标{i}", lead, department, tree["company"])
        for j in range(2):
            person = add(
                Person(
                    name=f"组员{i}-{j}",
                    email=f"member{i}-{j}@example.com",
                    department_id=department.id,
                    manager_id=lead.id,
                )
            )
            goal("individual", f"个人目标{i}-{j}", person, department, dept)
            goal("individual", f"未对齐{i}-{j}", person, department)
        goal("individual", f"推广组成员目标{i}", tree["zhang"], tree["seo"], tree["dept"])
    db.session.commit()


@pytest.mark.parametrize("viewer", ["admin", "head"])
@pytest.mark.parametrize(
    "url",
    [
        "/alignment/",
        "/alignment/?person=组",
        "/alignment/objectives/{company}/children",
        "/alignment/objectives/{dept}/children",
    ],
    ids=["tree", "filtered", "company-children", "department-children"],
)
def test_alignment_runs_the_same_number_of_queries_for_more_objectives(
    client, login, tree, count_queries, url, viewer
):
    url = url.format(company=tree["company"].id, dept=tree["dept"].id)
    login(tree[viewer])
    _grow(tree, 1)
    client.get(url)
    with count_queries() as small:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    _grow(tree, 6)
    with count_queries() as large:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert large.count == small.count, large.statements
    assert response.get_data(as_text=True).count('class="align-node ') > 7
