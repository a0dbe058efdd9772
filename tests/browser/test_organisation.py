"""The daily paths through the organisation screens, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from okr.extensions import db
from okr.org.models import Department, Person

pytestmark = pytest.mark.browser


def test_sign_in_and_out(page, make_person, sign_in):
    make_person("张玥", email="zhangyue@example.com", position="SEO专员")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill("zhangyue@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".field.invalid")).to_contain_text("The email or password is not right.")
    expect(page.get_by_label("Email")).to_have_value("zhangyue@example.com")
    sign_in("zhangyue@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 张玥")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash")).to_contain_text("You have signed out.")


def test_switch_language_to_chinese_and_back(page, make_person, sign_in):
    make_person("林慧", email="linhui@example.com", is_admin=True)
    sign_in("linhui@example.com")
    page.get_by_role("button", name="中文").click()
    page.locator("summary", has_text="管理").click()  # HR's pages sit under 管理 (Administration)
    expect(page.get_by_role("link", name="部门", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("林慧")
    page.get_by_role("link", name="部门", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("部门")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Departments")
    person = db.session.scalar(select(Person).where(Person.email == "linhui@example.com"))
    db.session.refresh(person)
    assert person.locale == "en"


def test_admin_creates_department_and_person(page, make_person, make_department, sign_in):
    marketing = make_department("网络营销部")
    make_person("林慧", email="linhui@example.com", is_admin=True, department=marketing)
    sign_in("linhui@example.com")
    page.locator("summary", has_text="Administration").click()
    page.get_by_role("link", name="Departments", exact=True).click()
    page.locator(f"#department-{marketing.id}").get_by_role(
        "link", name="Add sub-department"
    ).click()
    expect(page.get_by_label("Name")).to_be_focused()
    page.get_by_label("Name").fill("社群运营组")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("社群运营组")
    expect(page.locator(f"#department-{marketing.id}")).to_contain_text("社群运营组")

    team = db.session.scalar(select(Department).where(Department.name == "社群运营组"))
    assert team.parent_id == marketing.id
    page.locator(f"#department-{team.id}").get_by_role("link", name="Add person").click()
    expect(page.get_by_label("Name")).to_be_focused()
    page.get_by_label("Name").fill("郑堃")
    page.get_by_label("Email", exact=True).fill("not-an-email")
    page.get_by_label("Position").fill("社交媒体运营")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field.invalid")).to_contain_text("Enter an email address.")
    expect(page.get_by_label("Name")).to_have_value("郑堃")
    expect(page.get_by_label("Name")).to_be_focused()  # htmx's autofocus after the 422 swap has run
    page.get_by_label("Email", exact=True).fill("ZhengKun@example.com")
    page.get_by_label("Manager (email)").fill("linhui@example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("郑堃")
    expect(page.locator(".facts")).to_contain_text("网络营销部 / 社群运营组")
    person = db.session.scalar(select(Person).where(Person.email == "zhengkun@example.com"))
    assert (person.name, person.department_id, person.position) == ("郑堃", team.id, "社交媒体运营")


def test_import_with_an_error_is_reported_then_fixed(
    page, make_person, make_department, sign_in, tmp_path
):
    team = make_department("推广组")
    make_person("林慧", email="linhui@example.com", is_admin=True, department=team)
    sign_in("linhui@example.com")
    bad = tmp_path / "people.csv"
    bad.write_bytes(
        "姓名,邮箱,职位,部门,上级邮箱\n"
        "张玥,zhangyue@example.com,SEO专员,推广组,linhui@example.com\n"
        "刘彧,liuyu@example.com,SEM专员,不存在的组,zhangyue@example.com\n".encode("gb18030")
    )
    page.locator("summary", has_text="Administration").click()
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-preview")).to_contain_text("1 row has a problem")
    expect(page.locator("tr.row-error")).to_contain_text("Unknown department “不存在的组”")
    assert db.session.scalar(select(Person).where(Person.email == "zhangyue@example.com")) is None

    good = tmp_path / "people-fixed.csv"
    good.write_bytes(
        bad.read_bytes().replace("不存在的组".encode("gb18030"), "推广组".encode("gb18030"))
    )
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-preview")).to_contain_text("2 to add")
    page.get_by_role("button", name="Import 2 changes").click()
    expect(page.locator(".flash-success")).to_contain_text("2 added")
    expect(page.locator("#people-results")).to_contain_text("刘彧")


def test_people_search_updates_results_in_place(
    page, make_person, make_department, sign_in, settled
):
    team = make_department("客服组")
    make_person("林慧", email="linhui@example.com", is_admin=True, department=team)
    for name in ("许嘉怡", "高晨", "何静"):
        make_person(name, department=team, position="客服")
    sign_in("linhui@example.com")
    page.get_by_role("link", name="People", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/?$"))
    settled()  # the boosted page's search box is bound only once htmx has settled it
    page.get_by_role("searchbox").fill("高晨")
    expect(page.locator("#people-results tbody tr")).to_have_count(1)
    expect(page.locator("#people-results")).to_contain_text("高晨")
    expect(page).to_have_url(re.compile(r"q=%E9%AB%98%E6%99%A8"))
