"""The header on a phone and on a desktop, and the skip links, in a real Chromium.

On a phone (390 px) the links and the account fold into a "Menu" disclosure that works without
JavaScript; the brand and the language switch stay in the one row. On a desktop (1280 px) the
links sit in one row, HR's own pages under "Administration". The first Tab stop of every page is
"Skip to content", which moves the focus into <main>; on My week the second is "Skip to the first
check-in", which lands in the first check-in box.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from okr.checkins.services import record_checkin
from okr.cycles.services import change_status, create_cycle
from okr.extensions import db
from okr.objectives.approval import decide_set, submit_set
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LINKS = ["Home", "My week", "OKRs", "My team", "Alignment", "Reviews to do", "Team OKRs"]
ADMIN_LINKS = ["Departments", "Import", "Cycles", "KR templates", "Review templates", "Flags"]


@pytest.fixture
def team(make_person, make_department):
    """HR, and a team lead whose two key results are both checked in this week (nothing due, so
    My week sets no autofocus and the Tab order starts at the top)."""
    hr = make_person("林慧", email="linhui@example.com", is_admin=True)
    group = make_department("推广组")
    lead = make_person("李喆", email="lizhe@example.com", department=group)
    group.head_id = lead.id
    make_person("张玥", email="zhangyue@example.com", department=group, manager=lead)
    cycle = create_cycle("quarter", date.today(), make_current=True)
    objective = create_objective(
        cycle, "individual", ObjectiveData("带领推广组完成目标", "", D(100), None), lead, owner=lead
    )
    krs = [
        add_key_result(
            objective, KeyResultData(title, "人", "increase", D(50), D(0), D(100)), lead
        )[0]
        for title in ("独立访客", "新试用注册")
    ]
    submit_set(objective, lead)
    decide_set(objective, hr, True, "")
    change_status(cycle, "running", hr)
    for kr in krs:
        record_checkin(kr, "40", "on_track", "", lead, None, now=datetime.now(UTC))
    db.session.commit()
    return krs


def _open(browser, live_server, viewport, email, *, javascript=True):
    context = browser.new_context(
        base_url=live_server, locale="en-US", viewport=viewport, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def _height(page, selector):
    return page.locator(selector).evaluate("e => e.getBoundingClientRect().height")


def _focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return [e.tagName, e.id, e.textContent.trim().slice(0, 40), !!e.closest('main')]; }"
    )


def _skip_link_is_first_and_lands_in_main(page):
    skip = page.get_by_role("link", name="Skip to content")
    box = skip.bounding_box()
    assert box["y"] + box["height"] <= 0, "hidden until focused"
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10, "visible when focused"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert _focused(page)[3], f"the next Tab stays in main: {_focused(page)}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_header_is_one_row_with_a_menu_that_opens(browser, live_server, team, javascript):
    page = _open(browser, live_server, PHONE, "lizhe@example.com", javascript=javascript)
    page.goto("/week/")
    assert _height(page, "header.topbar") <= 60
    expect(page.get_by_role("link", name="OKR & Reviews")).to_be_visible()
    expect(page.get_by_role("button", name="中文")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="OKRs", exact=True)).to_be_hidden()
    expect(page.get_by_role("link", name="李喆")).to_be_hidden()

    page.locator("summary", has_text="Menu").click()
    for name in LINKS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="李喆")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert _height(page, "header.topbar") <= 60, "the open menu drops over the page"
    panel = page.locator(".menu-panel").bounding_box()
    assert panel["x"] == 0 and panel["width"] == PHONE["width"]

    nav.get_by_role("link", name="OKRs", exact=True).click()
    expect(page).to_have_url(re.compile(r"/okrs/"))
    expect(page.locator("details.menu")).not_to_have_attribute("open", re.compile(".*"))
    expect(nav.get_by_role("link", name="OKRs", exact=True)).to_be_hidden()
    page.context.close()


def test_phone_menu_holds_hr_pages_and_skip_link_comes_first(browser, live_server, team):
    page = _open(browser, live_server, PHONE, "linhui@example.com")
    assert _height(page, "header.topbar") <= 60
    _skip_link_is_first_and_lands_in_main(page)
    page.locator("summary", has_text="Menu").click()
    page.locator("summary", has_text="Administration").click()
    nav = page.get_by_role("navigation", name="Main")
    for name in ADMIN_LINKS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    nav.get_by_role("link", name="Cycles", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cycles/"))
    page.context.close()


@pytest.mark.parametrize("email", ["lizhe@example.com", "linhui@example.com"])
def test_desktop_header_puts_the_links_in_one_row(browser, live_server, team, email):
    page = _open(browser, live_server, DESKTOP, email)
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    links = LINKS[:3] + (["People"] if "linhui" in email else ["My team"]) + LINKS[4:]
    items = [nav.get_by_role("link", name=name, exact=True) for name in links]
    if "linhui" in email:
        items.append(page.locator("summary", has_text="Administration"))
    tops = set()
    for item in items:
        expect(item).to_be_visible()
        box = item.bounding_box()
        tops.add(round(box["y"] + box["height"] / 2))
    assert len(tops) == 1, f"the links sit in one row: {tops}"
    assert _height(page, "header.topbar") <= 60
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="中文")).to_be_visible()
    _skip_link_is_first_and_lands_in_main(page)
    if "linhui" in email:
        page.locator("summary", has_text="Administration").click()
        nav.get_by_role("link", name="Departments", exact=True).click()
        expect(page).to_have_url(re.compile(r"/departments/"))
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_first_check_in_box_is_two_tabs_away_on_my_week(browser, live_server, team, viewport):
    page = _open(browser, live_server, viewport, "lizhe@example.com")
    page.goto("/week/")
    first = page.locator(f"#kr-{team[0].id}-value")
    expect(first).to_be_visible()
    expect(page.locator("body")).to_be_focused()  # nothing due: no autofocus
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the first check-in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(first).to_be_focused()
    page.keyboard.type("55")
    page.keyboard.press("Enter")
    expect(page.locator(f"#kr-{team[0].id} .kr-current")).to_contain_text("55")
    page.context.close()
