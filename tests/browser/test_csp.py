"""The daily pages under the strict Content-Security-Policy in a real Chromium: nothing is
refused (no inline script, style or handler left), and htmx, the chart and the small script
that replaced the inline handlers still work."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.objectives.models import CheckIn
from tests.factories import build_quarter

pytestmark = pytest.mark.browser

LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => window.reportCspViolation(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
));
"""


@pytest.fixture
def violations(page):
    """Every CSP violation of the page, from the event and from Chromium's console."""
    found: list[str] = []
    page.context.expose_binding("reportCspViolation", lambda _source, text: found.append(text))
    page.context.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    return found


def visit(page, path):
    response = page.goto(path)
    assert response.ok, path
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe" not in csp
    assert response.headers["cache-control"] == "no-store"
    page.wait_for_load_state("load")
    return response


def test_daily_pages_break_no_rule_and_htmx_still_works(
    page, sign_in, violations, make_department, make_person
):
    q = build_quarter(make_department, make_person)
    next_quarter = Cycle(  # to switch to with the select (app.js, not an inline handler)
        kind="quarter",
        label="2027 Q1",
        start=date(2027, 1, 1),
        end=date(2027, 3, 31),
        status="planning",
    )
    db.session.add(next_quarter)
    db.session.commit()

    sign_in(q.seo.email)
    visit(page, "/")
    assert page.evaluate("document.documentElement.className") == "js"
    assert page.evaluate("document.querySelectorAll('style').length") == 0  # none from htmx

    # My week: a check-in through the page, swapped in by htmx
    visit(page, "/week/")
    row = page.locator(".kr-row", has_text="自然流量")
    row.get_by_label(re.compile("New value")).fill("50000")
    row.get_by_label("Note").fill("外链见效")
    row.get_by_label("Note").press("Enter")
    expect(page.locator(".kr-row", has_text="自然流量").locator(".saved-badge")).to_be_visible()
    expect(page.locator(f"#objective-progress-{q.mine.id}")).to_contain_text("30%")
    assert db.session.scalars(select(CheckIn.value)).all() != []
    bar = page.locator(f"#objective-progress-{q.mine.id} progress.bar")
    assert bar.evaluate("b => b.position") == pytest.approx(0.3)
    assert bar.evaluate("b => getComputedStyle(b).appearance") == "none"

    # OKRs, the objective and the key result with its chart
    visit(page, "/okrs/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Cycle").select_option(str(next_quarter.id))
    expect(page).to_have_url(re.compile(rf"cycle={next_quarter.id}"))
    visit(page, f"/okrs/objectives/{q.mine.id}")
    visit(page, f"/okrs/key-results/{q.traffic.id}")
    expect(page.locator("svg.kr-chart circle.point")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))

    # The manager: the team view, the 周报 table and a key result's form (kind shows fields)
    sign_in(q.lead.email)
    visit(page, "/team/")
    expect(page.locator(f"#person-{q.seo.id}")).to_be_visible()
    visit(page, "/team/weekly")
    expect(page.locator("table").first).to_contain_text("自然流量")
    visit(page, f"/okrs/key-results/{q.traffic.id}/edit")
    form = page.locator("form.kr-form")
    expect(page.get_by_label("Target")).to_be_visible()
    page.get_by_label("Kind").select_option("milestone")
    expect(form).to_have_attribute("data-kind", "milestone")
    expect(page.get_by_label("Target")).to_be_hidden()
    visit(page, "/alignment/")
    visit(page, "/account")

    assert violations == []

    # The policy is enforced and the listener hears it: a <style> added now is refused.
    refused = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation",
                (e) => resolve(e.effectiveDirective), {once: true});
            const style = document.createElement("style");
            style.textContent = "p { color: red }";
            document.head.append(style);
        })"""
    )
    assert refused == "style-src-elem"
