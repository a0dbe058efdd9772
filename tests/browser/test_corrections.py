"""Correcting a wrong check-in in a real Chromium: from My week's row and from the key result's log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from okr.checkins.services import record_checkin
from okr.extensions import db
from tests.factories import build_quarter

pytestmark = pytest.mark.browser


def test_the_owner_corrects_a_typo_from_my_week_and_then_from_the_log(
    page, sign_in, make_department, make_person, settled
):
    q = build_quarter(make_department, make_person)
    record_checkin(q.traffic, "500000", "on_track", "外链上线", q.seo, None)
    db.session.commit()
    sign_in(q.seo.email)

    # My week: the row opens the form in place and comes back saved, with the parents' progress.
    page.goto("/week/")
    row = page.locator(f"#kr-{q.traffic.id}")
    expect(row.locator(".kr-current")).to_have_text("500000次")
    row.get_by_role("link", name="Correct this check-in").click()
    expect(page.get_by_label("Right value")).to_be_focused()  # htmx swapped the row and settled
    page.get_by_label("Right value").fill("5000")
    page.get_by_label("What was wrong").fill("多打了两个0")
    page.get_by_role("button", name="Save the correction").click()
    expect(row.locator(".saved-badge")).to_be_visible()
    expect(row.locator(".kr-current")).to_have_text("5000次")
    expect(page.locator(f"#objective-progress-{q.company.id}")).to_contain_text("0%")

    # The key result's log: the form opens above it; a refusal shows beside the field.
    page.goto(f"/okrs/key-results/{q.traffic.id}")
    page.locator("#checkin-log").get_by_role("link", name="Correct this check-in").click()
    expect(page.get_by_label("Right value")).to_be_focused()
    page.get_by_label("Right value").fill("50000")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("#correction-reason-error")).to_contain_text("Say what was wrong")
    settled()  # the refused form was swapped in: type into the new one once htmx settled it
    page.get_by_label("What was wrong").fill("还是少了一个0")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".flash-success")).to_contain_text("Correction saved: 自然流量.")
    expect(page.locator("#checkin-log tr.superseded")).to_have_count(2)
    expect(page.locator("#checkin-log del")).to_have_text(["5000次", "500000次"])
    expect(page.locator(f"#kr-progress-{q.traffic.id}")).to_contain_text("50%")
