"""The one-on-one interview in a real Chromium: step by step with htmx, the step list, the live
score beside the ratings, nothing lost between steps, and the address bar on the current step."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from okr.extensions import db
from okr.reviews.models import Appraisal
from tests.factories import build_world, peer_rate, self_assess


def _stored(appraisal_id: int) -> Appraisal:
    db.session.expire_all()
    return db.session.get(Appraisal, appraisal_id)


def _settled(page, action) -> None:
    """Run an action that makes htmx swap, and wait until htmx has settled the new content."""
    page.evaluate(
        "() => { window.__settled = false; document.body.addEventListener('htmx:afterSettle',"
        " () => { window.__settled = true; }, { once: true }); }"
    )
    action()
    page.wait_for_function("() => window.__settled === true")


def test_the_manager_steps_through_the_interview_with_the_score_beside(
    page, sign_in, make_person, make_department
):
    world = build_world(make_person, make_department)
    peer_rate(world, world.peers[0], cooperation="4", innovation="3", execution="5")
    peer_rate(world, world.peers[1], cooperation="5", innovation="5", execution="5")
    self_assess(
        world.appraisal, world.spec, {"results": "5", "skills": "4", "attitude": "4"}, "做得不错"
    )
    db.session.commit()
    appraisal_id = world.appraisal.id
    url = f"/reviews/appraisals/{appraisal_id}/interview"

    sign_in(world.manager.email)
    page.goto(url)
    steps = page.get_by_role("navigation", name="Steps of the interview")
    expect(steps.get_by_role("listitem")).to_have_count(5)
    expect(page.locator("#step-purpose")).to_be_visible()
    expect(page.locator(".interview-step")).to_have_count(1)
    page.get_by_label("What you said the interview is for").fill("回顾本季度，确认结果。")

    # Next: the second step comes in place, the first is marked done, the address follows.
    _settled(page, lambda: page.get_by_role("button", name="Next", exact=True).click())
    expect(page.locator("#step-self_assessment")).to_contain_text("做得不错")
    expect(page.locator("#step-self_assessment h2")).to_be_focused()
    expect(page.locator("#step-link-purpose")).to_have_class(re.compile(r"\bdone\b"))
    expect(page).to_have_url(re.compile(r"step=self_assessment"))
    assert _stored(appraisal_id).interview_notes["purpose"] == "回顾本季度，确认结果。"

    # The result: each rating is a level with its words; the score beside follows every click.
    _settled(page, lambda: page.get_by_role("button", name="Next", exact=True).click())
    score = page.locator(f"#interview-score-{appraisal_id}")
    expect(score.locator(".composite-value")).to_contain_text("—")
    for criterion, level in (("目标达成", "4"), ("专业能力", "4"), ("工作态度", "3")):
        group = page.get_by_role("group", name=re.compile(criterion))
        _settled(
            page,
            lambda g=group, v=level: g.get_by_role("radio", name=re.compile(rf"^{v} ")).check(),
        )
    expect(page.get_by_role("group", name=re.compile("目标达成"))).to_contain_text(
        "Exceeds expectations"
    )
    # 30 (key results) + 17.5 (peers) + 13.5 (interview 0.675 × 20) = 61
    expect(score.locator(".composite-value")).to_contain_text("61")
    expect(score).to_contain_text("30 + 17.5 + 13.5 = 61")
    assert _stored(appraisal_id).interview_ratings == {}  # shown live, saved on the next move

    # Back to the first step through the step list: what was typed there is still there.
    _settled(page, lambda: steps.get_by_role("button", name="1. State the purpose").click())
    expect(page.get_by_label("What you said the interview is for")).to_have_value(
        "回顾本季度，确认结果。"
    )
    assert _stored(appraisal_id).interview_ratings == {
        "results": "4",
        "skills": "4",
        "attitude": "3",
    }
    expect(page.locator("#step-link-result")).to_have_class(re.compile(r"\bdone\b"))

    # The last step completes the interview; a reload lands on the same step.
    _settled(
        page, lambda: steps.get_by_role("button", name="5. The improvement plan agreed").click()
    )
    page.get_by_label("The improvement plan agreed").fill("每周复盘互动率。")
    _settled(page, lambda: page.get_by_role("button", name="Complete the interview").click())
    expect(page.locator(f"#interview-{appraisal_id}").get_by_role("status")).to_have_text(
        "Interview completed."
    )
    stored = _stored(appraisal_id)
    assert stored.interview_at is not None and stored.interview_notes["plan"] == "每周复盘互动率。"
    page.reload()
    expect(page.locator("#step-plan")).to_be_visible()
    expect(page.get_by_label("The improvement plan agreed")).to_have_value("每周复盘互动率。")
