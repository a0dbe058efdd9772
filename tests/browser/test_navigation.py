"""Addresses and errors in a real Chromium: after a save the address bar shows the page seen,
and a link that fails (403, 404, an error from elsewhere, no network) says so."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.models import Objective
from okr.objectives.services import ObjectiveData, create_objective
from okr.org.models import Person

pytestmark = pytest.mark.browser


def _heading(page):
    return page.get_by_role("heading", level=1)


def _reload_shows_the_same(page, heading: str) -> None:
    url = page.url
    page.reload()
    expect(_heading(page)).to_have_text(heading)
    assert page.url == url


def test_after_saving_the_address_is_the_page_shown(
    page, sign_in, make_person, make_department, tmp_path, settled
):
    team = make_department("推广组")
    make_person("林慧", email="linhui@example.com", department=team, is_admin=True)
    create_cycle("quarter", date.today(), make_current=True)
    db.session.commit()
    sign_in("linhui@example.com")

    page.goto("/okrs/")
    page.get_by_role("link", name="Add objective").first.click()
    expect(page.get_by_label("Objective")).to_be_focused()
    page.get_by_label("Objective").fill("提升自然搜索流量")
    page.get_by_label("Weight (%)").fill("100")
    page.get_by_role("button", name="Save").click()
    expect(_heading(page)).to_have_text("提升自然搜索流量")
    objective_id = db.session.scalar(db.select(Objective.id))
    assert page.url.endswith(f"/okrs/objectives/{objective_id}")
    _reload_shows_the_same(page, "提升自然搜索流量")

    page.get_by_role("link", name="Add key result").click()
    expect(page.get_by_label("Key result")).to_be_focused()
    page.get_by_label("Key result").fill("自然搜索独立访客")
    page.get_by_label("Weight (%)").fill("100")
    page.get_by_label("Start (baseline)").fill("12000")
    page.get_by_role("button", name="Save").click()  # no target: refused in place
    expect(page.locator("#target-error")).to_be_visible()
    settled()  # the refused form was swapped in: type into the new one once htmx settled it
    page.get_by_label("Target").fill("20000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Key result added.")
    assert page.url.endswith(f"/okrs/objectives/{objective_id}")
    _reload_shows_the_same(page, "提升自然搜索流量")

    people = tmp_path / "people.csv"
    people.write_text("name,email,department\n张玥,zhangyue@example.com,推广组\n")
    page.goto("/people/import")
    page.get_by_label(re.compile("File")).set_input_files(str(people))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-preview")).to_contain_text("Every row is valid")
    assert re.search(r"/people/import/\d+$", page.url), page.url
    page.reload()
    expect(page.locator("#import-preview")).to_contain_text("Every row is valid")
    page.get_by_role("button", name="Import 1 changes").click()
    expect(page.locator(".flash-success")).to_contain_text("Import done: 1 added")
    assert page.url.endswith("/people/")
    _reload_shows_the_same(page, "People")


def test_a_form_refused_at_a_post_only_address_keeps_the_page_address(page, sign_in, make_person):
    make_person("张玥", email="zhangyue@example.com")
    sign_in("zhangyue@example.com")
    page.goto("/account")
    page.locator("#pw-current").fill("wrong password")
    page.locator("#pw-new").fill("another password")
    page.locator("#pw-confirm").fill("another password")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#pw-current-error")).to_be_visible()
    assert page.url.endswith("/account")
    page.reload()
    expect(_heading(page)).to_be_visible()
    assert "405" not in page.title()


def _team(make_person, make_department):
    team = make_department("推广组")
    lead = make_person("李喆", email="lizhe@example.com", department=team)
    other = make_person("赵雅琪", email="zhaoyaqi@example.com", department=team)
    seo = make_person("张玥", email="zhangyue@example.com", department=team, manager=lead)
    cycle = create_cycle("quarter", date.today(), make_current=True)
    db.session.commit()
    return team, lead, other, seo, cycle


def test_links_that_answer_403_or_404_show_the_error_page(
    page, sign_in, make_person, make_department
):
    _, _lead, other, seo, cycle = _team(make_person, make_department)
    kept = create_objective(
        cycle, "individual", ObjectiveData("提升自然搜索流量", "", 100, None), seo, owner=seo
    )
    gone = create_objective(
        cycle, "individual", ObjectiveData("降低跳出率", "", 0, None), seo, owner=seo
    )
    db.session.commit()
    sign_in("lizhe@example.com")
    page.goto(f"/okrs/people/{seo.id}")
    expect(page.get_by_role("link", name="降低跳出率")).to_be_visible()

    # meanwhile the objective is removed, and the person moves to another manager
    db.session.delete(db.session.get(Objective, gone.id))
    db.session.commit()
    page.get_by_role("link", name="降低跳出率").click()
    expect(_heading(page)).to_have_text("Not found")
    assert page.url.endswith(f"/okrs/objectives/{gone.id}")
    page.go_back()
    expect(page.get_by_role("link", name="提升自然搜索流量")).to_be_visible()

    db.session.execute(update(Person).where(Person.id == seo.id).values(manager_id=other.id))
    db.session.commit()
    page.get_by_role("link", name="提升自然搜索流量").click()
    expect(_heading(page)).to_have_text("Not allowed")
    expect(page.locator(".empty")).to_contain_text("You do not have access to this page.")
    assert page.url.endswith(f"/okrs/objectives/{kept.id}")
    _reload_shows_the_same(page, "Not allowed")


def test_a_failing_fragment_request_says_so_in_the_messages(
    page, sign_in, make_person, make_department
):
    team, lead, _other, _seo, cycle = _team(make_person, make_department)
    team.head_id = lead.id
    parent = create_objective(
        cycle, "company", ObjectiveData("线上销售额同比增长30%", "", 100, None), lead, owner=lead
    )
    for title in ("推广组：独立访问量达6万", "推广组：新试用注册4000"):
        create_objective(
            cycle,
            "department",
            ObjectiveData(title, "", 50, parent.id),
            lead,
            owner=lead,
            department=team,
        )
    db.session.commit()
    sign_in("lizhe@example.com")
    page.goto("/alignment/")
    summary = page.locator(f"#objective-{parent.id} summary")
    expect(summary).to_be_visible()

    # no network: the request never reaches the server
    page.route("**/alignment/objectives/*/children", lambda route: route.abort())
    summary.click()
    expect(page.locator("#flashes .flash-error")).to_have_text(
        "The server could not be reached. Check the connection and try again."
    )
    page.unroute("**/alignment/objectives/*/children")

    # an error page from something in between (a proxy) does not land inside the tree
    page.reload()
    page.route(
        "**/alignment/objectives/*/children",
        lambda route: route.fulfill(status=502, body="<html><h1>Bad Gateway</h1></html>"),
    )
    page.locator(f"#objective-{parent.id} summary").click()
    expect(page.locator("#flashes .flash-error")).to_have_text(
        "The request failed (error 502). Try again in a moment."
    )
    expect(page.locator(f"#children-{parent.id}")).not_to_contain_text("Bad Gateway")
    page.unroute("**/alignment/objectives/*/children")

    # the app's own 404 for a fragment: the message, not a whole page inside the tree
    page.reload()
    db.session.execute(
        update(Objective).where(Objective.parent_id == parent.id).values(parent_id=None)
    )
    db.session.delete(db.session.get(Objective, parent.id))
    db.session.commit()
    page.locator(f"#objective-{parent.id} summary").click()
    expect(page.locator("#flashes .flash-error")).to_have_text(
        "Not found: This page does not exist or was removed."
    )
    expect(page.locator(f"#children-{parent.id} h1")).to_have_count(0)
