"""A quarter's daily path in a real Chromium: cascade, weights, approval, check-in, roll-up."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.objectives.models import Objective

pytestmark = pytest.mark.browser


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_manager_cascades_employee_plans_and_checks_in(page, sign_in, make_person, make_department):
    team = make_department("推广组")
    lead = make_person("李喆", email="lizhe@example.com", department=team)
    team.head_id = lead.id
    make_person(
        "张玥", email="zhangyue@example.com", department=team, manager=lead, position="SEO专员"
    )
    create_cycle("quarter", date.today(), make_current=True)
    db.session.commit()

    # The manager sets the department objective.
    sign_in("lizhe@example.com")
    page.goto(f"/okrs/departments/{team.id}")
    page.get_by_role("link", name="Add objective").first.click()
    expect(page.get_by_label("Objective")).to_be_focused()
    page.get_by_label("Objective").fill("推广组：独立访问量达6万")
    page.get_by_label("Weight (%)").fill("100")
    page.get_by_label("Progress comes from").select_option("children")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("推广组：独立访问量达6万")
    _sign_out(page)

    # The employee aligns an objective with weighted key results.
    sign_in("zhangyue@example.com")
    page.get_by_role("link", name="OKRs", exact=True).click()
    page.get_by_role("link", name="Add objective").first.click()
    expect(page.get_by_label("Objective")).to_be_focused()
    page.get_by_label("Objective").fill("提升自然搜索流量")
    page.get_by_label("Weight (%)").fill("100")
    page.get_by_label("Aligns to").select_option(label="Department · 推广组：独立访问量达6万")
    page.get_by_role("button", name="Save").click()
    for title, weight, start, target in (
        ("自然搜索独立访客", "60", "12000", "20000"),
        ("收录页面", "30", "100", "300"),
    ):
        page.get_by_role("link", name="Add key result").click()
        expect(page.get_by_label("Key result")).to_be_focused()
        page.get_by_label("Key result").fill(title)
        page.get_by_label("Weight (%)").fill(weight)
        page.get_by_label("Start (baseline)").fill(start)
        page.get_by_label("Target").fill(target)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".flash-success")).to_contain_text("Key result added.")

    # 60 + 30 = 90: submitting is refused with the sum, then fixed.
    page.get_by_role("link", name=re.compile("OKRs of")).click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".flash-error")).to_contain_text("add up to 90%")
    page.get_by_role("link", name="提升自然搜索流量").click()
    page.locator("tr", has_text="收录页面").get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Key result")).to_be_focused()  # htmx's autofocus has run
    page.get_by_label("Weight (%)").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Key result saved.")
    page.get_by_role("link", name=re.compile("OKRs of")).click()
    expect(page.locator("#weights")).to_contain_text("Weights add up")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".flash-success")).to_contain_text("Submitted for approval.")
    _sign_out(page)

    # The manager approves, from the list waiting on his home page.
    sign_in("lizhe@example.com")
    page.locator("#approvals").get_by_role("link", name="张玥").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash-success")).to_contain_text("Approved.")
    _sign_out(page)

    cycle = db.session.scalar(select(Cycle))
    cycle.status = "running"  # HR starts the quarter (its own screen is tested elsewhere)
    db.session.commit()

    # The employee checks in from My week; progress rolls up to the department objective.
    sign_in("zhangyue@example.com")
    page.get_by_role("link", name="My week").click()
    row = page.locator(".kr-row", has_text="自然搜索独立访客")
    row.get_by_label(re.compile("New value")).fill("16000")
    row.get_by_label("Note").fill("外链建设见效")
    row.get_by_label("Note").press("Enter")
    expect(
        page.locator(".kr-row", has_text="自然搜索独立访客").locator(".saved-badge")
    ).to_be_visible()
    department_objective = db.session.scalar(
        select(Objective).where(Objective.level == "department")
    )
    # (16000 − 12000) ÷ 8000 = 50 % × 60 % weight = 30 % for the person, and so for the department
    expect(page.locator(f"#objective-progress-{department_objective.id}")).to_contain_text("30%")
    page.goto(f"/okrs/departments/{team.id}")
    expect(page.locator(f"#objective-progress-{department_objective.id}")).to_contain_text("30%")
