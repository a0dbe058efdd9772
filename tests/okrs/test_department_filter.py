"""Department filters take a typed path or name (with suggestions) instead of listing every
department on every page."""

from __future__ import annotations

from okr.cycles.services import create_cycle
from okr.extensions import db
from tests.factories import today
from tests.helpers import HTMX, field_error, text


def _company(make_department):
    create_cycle("quarter", today(), make_current=True)
    db.session.commit()
    marketing = make_department("网络营销部")
    promotion = make_department("推广组", parent=marketing)
    sales = make_department("销售部")
    twin = make_department("推广组", parent=sales)
    return marketing, promotion, sales, twin


def test_a_path_a_unique_name_or_an_id_chooses_the_department(
    client, login, make_person, make_department
):
    promotion = _company(make_department)[1]
    login(make_person("林慧", is_admin=True))
    for typed in ("网络营销部 / 推广组", "网络营销部/推广组", str(promotion.id)):
        page = client.get("/alignment/", query_string={"department": typed})
        assert page.status_code == 200, typed
        assert 'value="网络营销部 / 推广组"' in text(page), typed
    assert client.get("/alignment/", query_string={"department": "销售部"}).status_code == 200


def test_a_name_two_departments_share_asks_for_the_path(
    client, login, make_person, make_department
):
    _company(make_department)
    login(make_person("林慧", is_admin=True))
    page = client.get("/alignment/", query_string={"department": "推广组"})
    assert page.status_code == 422
    assert (
        field_error(page, "department")
        == "Several departments are called “推广组”: choose one by its path."
    )
    page = client.get("/team/", query_string={"department": "没有这个部门"})
    assert page.status_code == 422
    assert field_error(page, "department") == "Choose a department from the list."


def test_suggestions_are_paths_of_matching_departments(client, login, make_person, make_department):
    _company(make_department)
    login(make_person("张玥"))
    body = text(
        client.get("/departments/suggest", query_string={"department": "推广"}, headers=HTMX)
    )
    assert body.count("<option") == 2
    assert 'value="网络营销部 / 推广组"' in body and 'value="销售部 / 推广组"' in body
    assert "<option" not in text(client.get("/departments/suggest?department="))


def test_the_page_no_longer_lists_every_department(client, login, make_person, make_department):
    _company(make_department)
    login(make_person("林慧", is_admin=True))
    body = text(client.get("/team/"))
    assert "销售部 / 推广组" not in body and 'list="department-suggest"' in body


def test_suggestions_need_a_sign_in(client, make_department):
    _company(make_department)
    assert client.get("/departments/suggest?department=推广").status_code in (302, 401)
