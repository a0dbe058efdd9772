"""The department tree (HR): create, rename, move, delete when empty, stale edits, query counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from okr.extensions import db
from okr.org.models import Department, Person
from tests.helpers import field_error, flashes, form_values, text


def fresh(department_id: int) -> Department | None:
    """The department as stored, ignoring anything a refused request left in the session."""
    db.session.rollback()
    return db.session.get(Department, department_id)


def department_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Department.id)))


@pytest.fixture
def hr(login, admin):
    return login(admin)


def test_tree_shows_departments_nested_with_head_and_headcount(hr, make_department, make_person):
    marketing = make_department("网络营销部")
    seo = make_department("推广组", parent=marketing)
    head = make_person("王志远", department=marketing)
    make_person("张玥", department=seo)
    marketing.head_id = head.id
    db.session.commit()

    response = hr.get("/departments/")

    assert response.status_code == 200
    body = text(response)
    outer, inner = (
        body.index(f'id="department-{marketing.id}"'),
        body.index(f'id="department-{seo.id}"'),
    )
    assert outer < inner
    assert body.count('<ul class="tree">') >= 2  # the team is drawn inside its parent
    assert "Head: 王志远" in body
    assert "2 people" in body  # the parent counts its teams' people


def test_create_top_level_department(hr):
    response = hr.post("/departments/new", data={"name": " 人力资源部 ", "parent_id": ""})

    assert response.status_code == 303
    assert response.headers["Location"] == "/departments/"
    department = db.session.scalars(select(Department).where(Department.name == "人力资源部")).one()
    assert (department.name, department.parent_id) == ("人力资源部", None)
    assert "Department “人力资源部” created." in flashes(hr.get("/departments/"))


def test_create_nested_department_with_a_head(hr, make_department, make_person):
    marketing = make_department("网络营销部")
    head = make_person("李喆", email="lizhe@example.com", department=marketing)

    response = hr.post(
        "/departments/new",
        data={"name": "推广组", "parent_id": str(marketing.id), "head_email": "LiZhe@Example.com"},
    )

    assert response.status_code == 303
    team = db.session.scalars(select(Department).where(Department.name == "推广组")).one()
    assert (team.parent_id, team.head_id) == (marketing.id, head.id)


def test_new_form_preselects_the_parent_from_the_link(hr, make_department):
    marketing = make_department("网络营销部")

    response = hr.get(f"/departments/new?parent={marketing.id}")

    assert response.status_code == 200
    assert form_values(response)["parent_id"] == str(marketing.id)


@pytest.mark.parametrize("nested", [False, True], ids=["top-level", "nested"])
@pytest.mark.parametrize("typed", ["推广组", " 推广组 ", "Sales", "SALES"])
def test_duplicate_name_under_the_same_parent_is_refused_beside_the_field(
    hr, make_department, nested, typed
):
    parent = make_department("网络营销部") if nested else None
    make_department("推广组", parent=parent)
    make_department("Sales", parent=parent)
    before = department_count()

    response = hr.post(
        "/departments/new", data={"name": typed, "parent_id": str(parent.id) if parent else ""}
    )

    assert response.status_code == 422
    assert field_error(response, "name") == "A department with this name already exists here."
    assert form_values(response)["name"] == typed  # the input is kept
    assert department_count() == before


def test_same_name_under_another_parent_is_allowed(hr, make_department):
    make_department("推广组", parent=make_department("网络营销部"))
    other = make_department("品牌部")
    before = department_count()

    response = hr.post("/departments/new", data={"name": "推广组", "parent_id": str(other.id)})

    assert response.status_code == 303
    assert department_count() == before + 1


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_refused_beside_the_field(hr, name):
    before = department_count()
    response = hr.post("/departments/new", data={"name": name, "parent_id": ""})

    assert response.status_code == 422
    assert field_error(response, "name") == "Enter a name."
    assert department_count() == before


@pytest.mark.parametrize("editing", [False, True], ids=["new", "edit"])
def test_a_parent_that_does_not_exist_is_refused_beside_the_field(hr, make_department, editing):
    team = make_department("推广组")
    before = department_count()
    url = f"/departments/{team.id}/edit" if editing else "/departments/new"

    response = hr.post(url, data={"name": "内容组", "parent_id": "9999", "version": "1"})

    assert response.status_code == 422
    assert field_error(response, "parent_id") == "Choose a department."
    assert department_count() == before
    assert (fresh(team.id).name, fresh(team.id).parent_id) == ("推广组", None)


def test_unknown_head_email_is_refused_beside_the_field(hr):
    before = department_count()
    response = hr.post(
        "/departments/new",
        data={"name": "推广组", "parent_id": "", "head_email": "nobody@example.com"},
    )

    assert response.status_code == 422
    assert field_error(response, "head_email") == "Nobody has this email address."
    assert form_values(response)["head_email"] == "nobody@example.com"
    assert department_count() == before


def test_edit_form_shows_the_stored_values_and_cannot_choose_itself_as_parent(
    hr, make_department, make_person
):
    marketing = make_department("网络营销部")
    team = make_department("推广组", parent=marketing)
    team.head_id = make_person(email="lizhe@example.com", department=team).id
    db.session.commit()

    response = hr.get(f"/departments/{team.id}/edit")

    assert response.status_code == 200
    values = form_values(response)
    assert values["name"] == "推广组"
    assert values["parent_id"] == str(marketing.id)
    assert values["head_email"] == "lizhe@example.com"
    assert values["version"] == str(team.version)
    assert f'<option value="{team.id}"' not in response.get_data(as_text=True)


def test_rename(hr, make_department):
    team = make_department("推广组", parent=make_department("网络营销部"))
    parent_id, version = team.parent_id, team.version

    response = hr.post(
        f"/departments/{team.id}/edit",
        data={"name": "增长组", "parent_id": str(parent_id), "version": str(version)},
    )

    assert response.status_code == 303
    saved = fresh(team.id)
    assert (saved.name, saved.parent_id) == ("增长组", parent_id)
    assert saved.version == version + 1


def test_rename_to_a_siblings_name_is_refused(hr, make_department):
    marketing = make_department("网络营销部")
    make_department("内容组", parent=marketing)
    team = make_department("推广组", parent=marketing)

    response = hr.post(
        f"/departments/{team.id}/edit",
        data={"name": "内容组", "parent_id": str(marketing.id), "version": str(team.version)},
    )

    assert response.status_code == 422
    assert field_error(response, "name") == "A department with this name already exists here."
    assert fresh(team.id).name == "推广组"


@pytest.mark.parametrize("to_top", [False, True], ids=["under-another", "to-top-level"])
def test_move(hr, make_department, to_top):
    marketing, brand = make_department("网络营销部"), make_department("品牌部")
    team = make_department("推广组", parent=marketing)
    target = None if to_top else brand.id

    response = hr.post(
        f"/departments/{team.id}/edit",
        data={"name": "推广组", "parent_id": str(target or ""), "version": str(team.version)},
    )

    assert response.status_code == 303
    assert fresh(team.id).parent_id == target


@pytest.mark.parametrize("depth", [0, 1, 2], ids=["itself", "child", "grandchild"])
def test_moving_under_itself_or_its_children_is_refused(hr, make_department, depth):
    top = make_department("网络营销部")
    chain = [top]
    for level in range(2):
        chain.append(make_department(f"Level {level}", parent=chain[-1]))
    target = chain[depth]

    response = hr.post(
        f"/departments/{top.id}/edit",
        data={"name": "网络营销部", "parent_id": str(target.id), "version": str(top.version)},
    )

    assert response.status_code == 422
    assert field_error(response, "parent_id") == (
        "A department cannot move under itself or its children."
    )
    assert fresh(top.id).parent_id is None


def test_delete_an_empty_department(hr, make_department):
    team = make_department("推广组", parent=make_department("网络营销部"))
    team_id = team.id

    response = hr.post(f"/departments/{team_id}/delete", data={"version": str(team.version)})

    assert response.status_code == 303
    assert fresh(team_id) is None
    assert "Department “推广组” deleted." in flashes(hr.get("/departments/"))


@pytest.mark.parametrize("content", ["person", "deactivated person", "sub-department"])
def test_delete_is_refused_unless_empty(hr, make_department, make_person, content):
    team = make_department("推广组")
    if content == "sub-department":
        make_department("SEO", parent=team)
    else:
        make_person(department=team, active=content == "person")
    team_id, version = team.id, team.version

    response = hr.post(f"/departments/{team_id}/delete", data={"version": str(version)})

    assert response.status_code == 303
    assert fresh(team_id) is not None
    assert (
        "Only an empty department can be deleted: move its people and sub-departments first."
        in flashes(hr.get("/departments/"))
    )


def test_unknown_department_is_not_found(hr):
    assert hr.get("/departments/999/edit").status_code == 404
    assert hr.post("/departments/999/delete", data={"version": "1"}).status_code == 404


def test_stale_edit_is_refused_showing_the_newer_name(hr, make_department):
    team = make_department("推广组")
    opened = team.version
    team.name = "增长组"  # someone else saves while the form is open
    db.session.commit()

    response = hr.post(
        f"/departments/{team.id}/edit",
        data={"name": "推广一组", "parent_id": "", "version": str(opened)},
    )

    assert response.status_code == 422
    body = text(response)
    assert "Someone else saved this department while you were editing." in body
    assert "<strong>增长组</strong>" in body
    values = form_values(response)
    assert values["name"] == "推广一组"  # the user's input is kept
    assert values["version"] == str(opened + 1)  # saving again overrides knowingly
    assert fresh(team.id).name == "增长组"

    again = hr.post(
        f"/departments/{team.id}/edit",
        data={"name": "推广一组", "parent_id": "", "version": values["version"]},
    )
    assert again.status_code == 303
    assert fresh(team.id).name == "推广一组"


def test_stale_delete_is_refused(hr, make_department):
    team = make_department("推广组")
    opened = team.version
    team.name = "增长组"
    db.session.commit()

    response = hr.post(f"/departments/{team.id}/delete", data={"version": str(opened)})

    assert response.status_code == 303
    assert fresh(team.id) is not None
    assert "This department was changed by someone else meanwhile; nothing was deleted." in flashes(
        hr.get("/departments/")
    )


def _grow_tree(start: int, stop: int) -> None:
    """Departments `start`..`stop`-1 three levels deep, each with a head and two people."""
    parents = {d.name: d for d in db.session.scalars(select(Department))}
    for n in range(start, stop):
        department = Department(name=f"D{n}", parent=parents.get(f"D{n // 3}") if n else None)
        db.session.add(department)
        parents[department.name] = department
        people = [
            Person(name=f"P{n}-{i}", email=f"p{n}-{i}@example.com", department=department)
            for i in range(2)
        ]
        db.session.add_all(people)
        db.session.flush()
        department.head_id = people[0].id
    db.session.commit()


def test_tree_page_query_count_does_not_grow_with_departments(hr, count_queries):
    counts = []
    for start, stop in ((0, 3), (3, 30)):
        _grow_tree(start, stop)
        with count_queries() as queries:
            response = hr.get("/departments/")
        assert response.status_code == 200
        assert text(response).count('class="node-name"') == stop + 1  # and the admin's
        counts.append(queries.count)
    assert counts[0] == counts[1]
