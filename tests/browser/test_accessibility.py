"""axe-core on the daily pages, for every role that sees them, in Chinese and in English.

Runs the vendored axe-core (tests/browser/vendor/axe-core, never served by the app) after each page
has loaded and its fonts are ready, and fails on any `serious` or `critical` finding, listing the
rule, the element and axe's summary of what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from okr.cycles.models import Cycle
from okr.demo.loader import DEMO_PASSWORD, load_demo
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.org.models import Person
from okr.reviews.models import Appraisal, Review

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
BLOCKING = ("serious", "critical")

EMPLOYEE, LEAD, HEAD, HR = (
    "zhangyue@example.com",  # SEO specialist
    "lizhe@example.com",  # her team lead: approves, interviews
    "wangzhiyuan@example.com",  # department head: the team lead's manager
    "linhui@example.com",  # HR administrator
)

RUN_AXE = """async (blocking) => {
  await document.fonts.ready;
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return {
    version: axe.version,
    lang: document.documentElement.lang,
    findings: result.violations
      .filter((v) => blocking.includes(v.impact))
      .flatMap((v) => v.nodes.map((n) => ({
        rule: v.id, impact: v.impact, help: v.help,
        target: n.target.join(" "), summary: n.failureSummary,
      }))),
  };
}"""


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int


DESKTOP = Viewport("desktop", 1280, 800)
PHONE = Viewport("phone", 390, 844)


@pytest.fixture
def demo(app, monkeypatch) -> dict[str, list[tuple[str, str]]]:
    """The demo company; the pages each role opens on a normal day, by sign-in."""
    cheap = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr("okr.org.services.generate_password_hash", cheap)
    load_demo()
    db.session.commit()

    def person(email: str) -> Person:
        return db.session.scalars(select(Person).where(Person.email == email)).one()

    employee, lead = person(EMPLOYEE), person(LEAD)
    cycle = db.session.scalars(select(Cycle).where(Cycle.is_current)).one()
    objective = db.session.scalars(
        select(Objective)
        .where(Objective.owner_id == employee.id, Objective.cycle_id == cycle.id)
        .order_by(Objective.id)
    ).first()
    assert objective is not None
    kr = db.session.scalars(
        select(KeyResult).where(KeyResult.objective_id == objective.id).order_by(KeyResult.id)
    ).first()
    assert kr is not None
    review = db.session.scalars(select(Review).order_by(Review.id.desc())).first()
    assert review is not None
    appraisal = db.session.scalars(
        select(Appraisal).where(
            Appraisal.review_id == review.id, Appraisal.person_id == employee.id
        )
    ).one()
    assert appraisal.manager_id == lead.id
    return {
        EMPLOYEE: [
            ("home", "/"),
            ("my week", "/week/"),
            ("OKRs", "/okrs/"),
            ("objective", f"/okrs/objectives/{objective.id}"),
            ("key result", f"/okrs/key-results/{kr.id}"),
            ("alignment", "/alignment/"),
            ("reviews to do", "/reviews/todo"),
            ("peer forms", "/reviews/peer-forms/"),
            ("own appraisal", f"/reviews/appraisals/{appraisal.id}"),
        ],
        LEAD: [
            ("home", "/"),
            ("team", "/team/"),
            ("weekly report", "/team/weekly"),
            ("report's OKRs", f"/okrs/people/{employee.id}"),
            ("people", "/people/"),
            ("report's appraisal", f"/reviews/appraisals/{appraisal.id}"),
            ("interview", f"/reviews/appraisals/{appraisal.id}/interview"),
        ],
        HEAD: [
            ("home", "/"),
            ("department OKRs", f"/okrs/departments/{employee.department_id}"),
            ("reviews to do", "/reviews/todo"),
        ],
        HR: [
            ("people", "/people/"),
            ("person", f"/people/{employee.id}"),
            ("departments", "/departments/"),
            ("cycles", "/cycles/"),
            ("company OKRs", "/okrs/company"),
            ("reviews", "/reviews/"),
            ("review", f"/reviews/{review.id}"),
            ("calibration", f"/reviews/{review.id}/calibration"),
            ("rankings", f"/reviews/{review.id}/rankings"),
        ],
    }


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


@pytest.mark.parametrize(
    ("language", "viewport"),
    [("zh", DESKTOP), ("en", PHONE)],  # both languages, both widths, at half the cost of four
    ids=["zh-desktop", "en-phone"],
)
def test_daily_pages_have_no_serious_or_critical_axe_finding(
    browser, live_server, demo, language, viewport
):
    db.session.execute(update(Person).values(locale=language))
    db.session.commit()
    findings: list[str] = []
    for email, pages in demo.items():
        context = browser.new_context(
            base_url=live_server,
            bypass_csp=True,  # axe is injected as an inline script; the CSP is tested in test_csp
            locale="zh-CN" if language == "zh" else "en-US",
            viewport={"width": viewport.width, "height": viewport.height},
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            _sign_in(page, email)
            for name, url in pages:
                response = page.goto(url)
                assert response is not None and response.status == 200, (email, url)
                page.add_script_tag(path=str(AXE))
                result = page.evaluate(RUN_AXE, list(BLOCKING))
                assert result["version"] == AXE_VERSION
                assert result["lang"] == ("zh-CN" if language == "zh" else "en")
                findings += [
                    f"{email} · {name} ({url}) · [{f['impact']}] {f['rule']}: {f['help']}\n"
                    f"    target: {f['target']}\n    {f['summary'].replace(chr(10), chr(10) + '    ')}"
                    for f in result["findings"]
                ]
        finally:
            context.close()
    assert not findings, f"{len(findings)} serious or critical axe findings:\n" + "\n".join(
        findings
    )
