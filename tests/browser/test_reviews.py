"""A quarter's review in a real Chromium: open, self-assess, peers, interview, calibrate, release,
acknowledge, improvement plan; then the record PDF and a department's ZIP of records.

Finalize and release are jobs: the journey runs a real worker (`flask jobs worker`) beside the
live server, and the board follows each job until it comes back with what it did."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from okr.appraisals.services import assign_rater, save_interview, save_self_assessment
from okr.calibration.results import finalize, release
from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.cycles.services import change_status, create_cycle
from okr.extensions import db
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.org.models import Department, Person
from okr.peer_reviews.services import save_peer_form
from okr.review_templates.services import load_builtin_templates
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import open_review, spec_of

pytestmark = pytest.mark.browser

DEFAULT_TEMPLATE = "OKR 季度考核（默认）"
REVIEW_NAME = "季度考核（社群运营组）"
# The default template: key results 60 %, team evaluation 20 %, interview 20 % (self 0 %).
# Key results: 粉丝数 from 50000 to 60000, now 56000 → 60 % × 60 = 36 points.
# Team evaluation (weights 40/30/30, stars 1–5 → (r − 1) ÷ 4):
#   冯雨桐 4/4/4 → 0.75; 李喆 5/4/3 → 0.4 + 0.225 + 0.15 = 0.775; mean 0.7625 × 20 = 15.25 points.
# Interview 4/3/4 → 0.3 + 0.15 + 0.225 = 0.675 × 20 = 13.5 points.
# Composite 36 + 15.25 + 13.5 = 64.75 → 合格 (60–79.99), a grade that calls for a plan.
PEER_SHEETS = {
    "冯雨桐": {"合作能力": "4", "创新能力": "4", "执行能力": "4"},
    "李喆": {"合作能力": "5", "创新能力": "4", "执行能力": "3"},
}
INTERVIEW = {"目标达成": "4", "专业能力": "3", "工作态度": "4"}
SELF = {"目标达成": "4", "专业能力": "4", "工作态度": "5"}
COMPOSITE, GRADE = "64.75", "合格"
KEYS = {"目标达成": "results", "专业能力": "skills", "工作态度": "attitude"}
PEER_KEYS = {"合作能力": "cooperation", "创新能力": "innovation", "执行能力": "execution"}


@dataclass
class World:
    team: Department
    manager: Person
    person: Person
    colleague: Person
    other_peer: Person
    hr: Person
    cycle: Cycle


def _world(make_person, make_department) -> World:
    """A team of four with OKRs checked in, and HR in another department (no review yet)."""
    team = make_department("社群运营组")
    hr_team = make_department("人力资源部")
    hr = make_person("林慧", is_admin=True, email="linhui@example.com", department=hr_team)
    manager = make_person("吴昊", department=team, email="wuhao@example.com")
    team.head_id = manager.id
    person = make_person(
        "郑堃",
        department=team,
        manager=manager,
        position="社交媒体运营",
        email="zhengkun@example.com",
    )
    colleague = make_person("冯雨桐", department=team, manager=manager, email="fengyt@example.com")
    other_peer = make_person("李喆", department=team, manager=manager, email="lizhe@example.com")
    cycle = create_cycle("quarter", date.today(), make_current=True)
    krs = []
    for owner, title, kr_title, start, target in (
        (person, "社交媒体粉丝5万到6万", "粉丝数", 50000, 60000),
        (colleague, "社群活跃度翻倍", "周活跃成员", 0, 100),
    ):
        objective = create_objective(
            cycle, "individual", ObjectiveData(title, "", Decimal(100), None), owner, owner=owner
        )
        kr, _ = add_key_result(
            objective,
            KeyResultData(
                kr_title,
                "人",
                "increase",
                Decimal(100),
                start=Decimal(start),
                target=Decimal(target),
            ),
            owner,
        )
        krs.append((kr, owner))
    change_status(cycle, "running", hr)
    record_checkin(krs[0][0], "53000", "at_risk", "", person, None)
    record_checkin(krs[0][0], "56000", "on_track", "", person, None)
    record_checkin(krs[1][0], "100", "on_track", "", colleague, None)
    db.session.commit()
    return World(team, manager, person, colleague, other_peer, hr, cycle)


def _appraisal_of(person: Person) -> Appraisal:
    db.session.expire_all()
    return db.session.scalar(select(Appraisal).where(Appraisal.person_id == person.id))


def _complete_colleague(world: World) -> None:
    """冯雨桐's own appraisal, complete (set up directly: it is not the journey under test).

    60 + 15 (peers 4/4/4) + 18.5 (interview 5/5/4) = 93.5 → 优秀, over the 20 % quota.
    """
    appraisal = _appraisal_of(world.colleague)
    review = db.session.get(Review, appraisal.review_id)
    spec = spec_of(db.session.get(ReviewTemplate, review.template_id))
    for rater in (world.person, world.other_peer):
        form = assign_rater(appraisal, rater, world.manager)
        save_peer_form(
            form, appraisal, spec, {f"rating-{k}": "4" for k in PEER_KEYS.values()}, "", True, None
        )
    ratings = {"rating-results": "5", "rating-skills": "5", "rating-attitude": "4"}
    save_interview(appraisal, spec, ratings, {"purpose": "季度考核面谈"}, "", True, None)
    db.session.commit()


def _rate(page, ratings: dict[str, str]) -> None:
    """Choose each criterion's level (radio buttons named by the value and its words)."""
    for label, value in ratings.items():
        group = page.get_by_role("group", name=re.compile(label))
        group.get_by_role("radio", name=re.compile(rf"^{value} ")).check()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))


@pytest.mark.parametrize("queue_app", ["embedded"], indirect=True)
def test_review_from_opening_to_acknowledged_result_and_plan(
    page, sign_in, make_person, make_department, workers
):
    workers.start()  # finalize and release run as jobs
    world = _world(make_person, make_department)
    load_builtin_templates()  # as `flask review load-templates` does at deployment
    db.session.commit()
    today = date.today()

    # HR opens the review for the team with the built-in default template.
    sign_in("linhui@example.com")
    page.get_by_role("link", name="Reviews to do").click()
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.get_by_role("link", name="Open a review", exact=True).click()
    expect(page.get_by_label("Name")).to_be_focused()  # htmx's autofocus has run
    page.get_by_label("Name").fill(REVIEW_NAME)
    page.get_by_label("OKR cycle").select_option(label=f"{world.cycle.label} · running")
    page.get_by_label("Review template").select_option(label=f"{DEFAULT_TEMPLATE} (v1)")
    page.get_by_label("Departments").select_option(label="社群运营组")
    page.get_by_label("Self-assessments due").fill((today + timedelta(days=3)).isoformat())
    page.get_by_label("Team evaluations due").fill((today + timedelta(days=5)).isoformat())
    page.get_by_label("Interviews due").fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Open the review").click()
    expect(page.locator(".flash-success")).to_contain_text("Review opened: 4 appraisals created.")
    expect(page.get_by_role("heading", level=1)).to_have_text(REVIEW_NAME)
    review = db.session.scalar(select(Review))
    template = db.session.get(ReviewTemplate, review.template_id)
    assert (template.name, template.family, template.built_in) == (
        DEFAULT_TEMPLATE,
        "okr-default",
        True,
    )
    assert review.peer_deadline == today + timedelta(days=5)
    appraisal = _appraisal_of(world.person)
    colleague_appraisal = _appraisal_of(world.colleague)
    _sign_out(page)
    _complete_colleague(world)

    # The employee rates themself beside their OKR results and submits.
    sign_in("zhengkun@example.com")
    page.get_by_role("link", name="Reviews to do").click()
    page.get_by_role("link", name="Myself").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appraisal of 郑堃")
    expect(page.locator(f"#okr-results-{appraisal.id}")).to_contain_text("粉丝数")
    _rate(page, SELF)
    page.get_by_label("Reflections").fill("粉丝增长接近目标，互动率仍需提升。")
    page.get_by_role("button", name="Submit", exact=True).click()
    section = page.locator(f"#self-{appraisal.id}")
    expect(section.get_by_role("status")).to_have_text("Self-assessment submitted.")
    expect(section).to_contain_text("粉丝增长接近目标，互动率仍需提升。")
    expect(page.locator(f"#appraisal-status-{appraisal.id}")).to_have_text("self-assessed")
    expect(page.locator(f"#scores-{appraisal.id}")).to_contain_text(
        "Your scores appear here once HR releases the results."
    )
    _sign_out(page)

    # The manager asks two colleagues to rate.
    sign_in("wuhao@example.com")
    page.get_by_role("link", name="Reviews to do").click()
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.locator("#reviews").get_by_role("link", name=REVIEW_NAME).click()
    page.locator(f"#appraisal-{appraisal.id}").get_by_role("link", name="郑堃").click()
    raters = page.locator(f"#raters-{appraisal.id}")
    expect(raters).to_contain_text("Nobody is asked to rate yet.")
    for name in PEER_SHEETS:
        raters.get_by_label("Colleague").select_option(label=name)
        raters.get_by_role("button", name="Ask to rate").click()
        expect(raters.locator("tr", has_text=name)).to_contain_text("not submitted")
    expect(raters.locator("tbody tr")).to_have_count(2)
    _sign_out(page)

    # Each colleague fills in and submits their team evaluation.
    for name, sheet in PEER_SHEETS.items():
        email = {"冯雨桐": "fengyt@example.com", "李喆": "lizhe@example.com"}[name]
        sign_in(email)
        page.goto("/reviews/peer-forms/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Team evaluations I was asked for"
        )
        page.get_by_role("link", name="郑堃", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Team evaluation of 郑堃")
        _rate(page, sheet)
        page.get_by_label("Comment").fill(f"{name}：合作顺畅。")
        page.get_by_role("button", name="Submit", exact=True).click()
        expect(page.locator(".peer-sheet").get_by_role("status")).to_have_text(
            "Evaluation submitted. Thank you."
        )
        _sign_out(page)

    # The manager holds the five-step interview: notes, ratings, complete.
    sign_in("wuhao@example.com")
    page.get_by_role("link", name="Reviews to do").click()
    page.locator("#owed-interview").get_by_role("link", name="郑堃").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One-on-one interview with 郑堃")
    # One step at a time: each "Next" saves the step and brings the next one.
    page.get_by_label("What you said the interview is for").fill("回顾本季度，确认结果，商定改进。")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#step-self_assessment")).to_contain_text("粉丝增长接近目标")
    page.get_by_label("Notes on the self-assessment").fill("自评偏高，工作态度认可。")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#step-result")).to_be_visible()
    _rate(page, INTERVIEW)
    page.get_by_label("Notes on the result").fill("粉丝达成60%，互动率不足。")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#step-disagreement")).to_be_visible()
    page.get_by_label("What the employee disagrees with").fill("无")
    page.get_by_label("How you answered it").fill("—")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#step-plan")).to_be_visible()
    page.get_by_label("The improvement plan agreed").fill("下季度提升互动率，参加内容运营培训。")
    page.get_by_role("button", name="Complete the interview").click()
    form = page.locator(f"#interview-{appraisal.id}")
    expect(form.get_by_role("status")).to_have_text("Interview completed.")
    scores = form.locator(f"#scores-{appraisal.id}")
    expect(scores.locator(f"#part-{appraisal.id}-kr")).to_contain_text("36")
    expect(scores.locator(f"#part-{appraisal.id}-peer")).to_contain_text("15.25")
    expect(scores.locator(f"#part-{appraisal.id}-interview")).to_contain_text("13.5")
    expect(scores.locator(".composite-value")).to_contain_text(COMPOSITE)
    expect(scores.locator(".grade-value")).to_have_text(GRADE)
    expect(page.locator("#step-plan")).to_contain_text(
        "The grade so far calls for an improvement plan."
    )
    _sign_out(page)

    # HR finalizes, lowers one grade over the quota (a reason is required), and releases.
    sign_in("linhui@example.com")
    page.get_by_role("link", name="Reviews to do").click()
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.locator("#reviews").get_by_role("link", name=REVIEW_NAME).click()
    page.get_by_role("link", name="Calibration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Calibration: {REVIEW_NAME}")
    page.get_by_role("button", name="Finalize the complete ones of 4 open appraisals").click()
    expect(page.locator(".flash-success")).to_contain_text("2 finalized; 2 not complete yet")
    mine = page.locator(f"#appraisal-{appraisal.id}")
    expect(mine.locator(".composite")).to_have_text(COMPOSITE)
    expect(mine.locator(".final-grade")).to_have_text(GRADE)
    expect(mine.get_by_role("link", name="improvement plan")).to_be_visible()
    expect(page.locator(f"#distribution-{world.team.id}")).to_contain_text("over quota")

    row = page.locator(f"#appraisal-{colleague_appraisal.id}")
    expect(row.locator(".composite")).to_have_text("93.5")
    expect(row.locator(".final-grade")).to_have_text("优秀")
    row.get_by_label("Final grade").select_option("良好")
    row.get_by_role("button", name="Override").click()
    expect(row.locator(".field.invalid")).to_contain_text(
        "Say why the grade changes; the reason is recorded."
    )
    expect(row.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    expect(row.locator(".final-grade")).to_have_text("优秀")
    expect(page.locator("#calibration-audit")).to_contain_text("No grade was changed.")
    row.get_by_label("Reason").fill("优秀名额已满（20%），跨部门评比后调整")
    row.get_by_role("button", name="Override").click()
    expect(row.locator(".final-grade")).to_contain_text("良好")
    expect(row.locator(".final-grade")).to_contain_text("overridden")
    # (The audit and distribution are not checked in place here: see the xfail test below.)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Release 2 results").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "2 results released and ranked inside each department."
    )
    change = page.locator("#calibration-audit tbody tr")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("林慧")
    expect(change).to_contain_text("冯雨桐")
    expect(change).to_contain_text("优秀 → 良好")
    expect(change).to_contain_text("优秀名额已满（20%），跨部门评比后调整")
    expect(page.locator(f"#distribution-{world.team.id}")).not_to_contain_text("over quota")
    _sign_out(page)

    # The employee sees the released result, agrees with it, and opens the improvement plan.
    sign_in("zhengkun@example.com")
    page.get_by_role("link", name="Reviews to do").click()
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.locator("#my-appraisals").get_by_role("link", name=REVIEW_NAME).click()
    scores = page.locator(f"#scores-{appraisal.id}")
    expect(scores.locator(".composite-value")).to_contain_text(f"{COMPOSITE} of 100 points")
    expect(scores.locator(".grade-value")).to_have_text(GRADE)
    expect(scores).to_contain_text("This grade calls for an improvement plan.")
    expect(scores.locator(f"#peer-aggregate-{appraisal.id}")).to_contain_text(
        "Average of 2 raters."
    )
    answer = page.locator(f"#acknowledge-{appraisal.id}")
    answer.get_by_label("I agree with this result").check()
    answer.get_by_role("button", name="Send my answer").click()
    expect(answer).to_contain_text("You agreed with this result on")
    expect(answer).to_contain_text("The appraisal is now locked.")
    page.get_by_role("link", name="Improvement plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement plan of 郑堃")
    expect(page.get_by_text(f"Grade: {GRADE}")).to_be_visible()
    expect(page.locator("#plan-section-indicator")).to_contain_text("粉丝数")
    expect(page.locator("#plan-section-growth")).not_to_contain_text("Nothing in this part.")

    stored = _appraisal_of(world.person)
    assert (stored.composite, stored.grade, stored.final_grade) == (
        Decimal("64.75"),
        GRADE,
        GRADE,
    )
    assert stored.status == "acknowledged" and stored.acknowledgement == "agree"
    assert stored.interview_notes["purpose"] == "回顾本季度，确认结果，商定改进。"
    assert _appraisal_of(world.colleague).final_grade == "良好"


def test_override_updates_audit_and_distribution_in_place(
    page, sign_in, make_person, make_department
):
    world = _world(make_person, make_department)
    load_builtin_templates()
    template = db.session.scalar(
        select(ReviewTemplate).where(ReviewTemplate.family == "okr-default")
    )
    today = date.today()
    review = open_review(
        REVIEW_NAME,
        world.cycle,
        template,
        [world.team.id],
        (today, today + timedelta(days=3), today + timedelta(days=7)),
        world.hr,
    )
    db.session.commit()
    _complete_colleague(world)
    appraisal_id = _appraisal_of(world.colleague).id

    sign_in("linhui@example.com")
    page.goto(f"/reviews/{review.id}/calibration")
    expect(page.locator("#calibration-list tbody tr")).to_have_count(4)
    row = page.locator(f"#appraisal-{appraisal_id}")
    row.get_by_label("Final grade").select_option("良好")
    row.get_by_label("Reason").fill("优秀名额已满（20%）")
    row.get_by_role("button", name="Override").click()
    expect(row.locator(".final-grade")).to_contain_text("overridden")
    expect(page.locator("#calibration-audit tbody tr")).to_contain_text("优秀名额已满（20%）")
    expect(page.locator(f"#distribution table #distribution-{world.team.id}")).to_be_visible()
    expect(page.locator("#distribution thead")).to_contain_text("良好")
    expect(page.locator("#calibration-list tbody tr")).to_have_count(
        4
    )  # nothing landed in the list


def _released_review(world: World) -> tuple[Review, Appraisal]:
    """The same review as above, run through the services up to the release."""
    load_builtin_templates()
    template = db.session.scalar(
        select(ReviewTemplate).where(ReviewTemplate.family == "okr-default")
    )
    today = date.today()
    review = open_review(
        REVIEW_NAME,
        world.cycle,
        template,
        [world.team.id],
        (today + timedelta(days=3), today + timedelta(days=5), today + timedelta(days=7)),
        world.hr,
    )
    spec = spec_of(template)
    appraisal = db.session.scalar(select(Appraisal).where(Appraisal.person_id == world.person.id))
    self_ratings = {f"rating-{KEYS[k]}": v for k, v in SELF.items()}
    save_self_assessment(appraisal, spec, self_ratings, "互动率仍需提升。", True, None)
    for name, sheet in PEER_SHEETS.items():
        rater = world.colleague if name == "冯雨桐" else world.other_peer
        form = assign_rater(appraisal, rater, world.manager)
        ratings = {f"rating-{PEER_KEYS[k]}": v for k, v in sheet.items()}
        save_peer_form(form, appraisal, spec, ratings, "", True, None)
    interview = {f"rating-{KEYS[k]}": v for k, v in INTERVIEW.items()}
    save_interview(appraisal, spec, interview, {"purpose": "季度考核面谈"}, "", True, None)
    finalize(appraisal, spec)
    release(review, spec)
    db.session.commit()
    return review, appraisal


def test_manager_downloads_the_record_and_hr_the_department_zip(
    page, sign_in, make_person, make_department, tmp_path, job_worker
):
    world = _world(make_person, make_department)
    review, appraisal = _released_review(world)
    appraisal_id, review_id = appraisal.id, review.id

    # The manager opens the released appraisal, then its record PDF (the page links none).
    sign_in("wuhao@example.com")
    page.get_by_role("link", name="Reviews to do").click()
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.locator("#reviews").get_by_role("link", name=REVIEW_NAME).click()
    page.locator(f"#appraisal-{appraisal_id}").get_by_role("link", name="郑堃").click()
    expect(page.locator(f"#scores-{appraisal_id} .composite-value")).to_contain_text(COMPOSITE)
    with page.expect_download() as info:
        try:
            page.goto(f"/records/appraisals/{appraisal_id}.pdf")
        except PlaywrightError as exc:  # navigating to an attachment aborts the navigation
            assert "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc), exc
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = "\n".join(p.extract_text() for p in PdfReader(saved).pages)
    for expected in ("郑堃", GRADE, COMPOSITE, "社群运营组"):
        assert expected in text, expected
    page.goto("/")
    _sign_out(page)

    # HR produces the department's records in the background (a job worker) and downloads the ZIP.
    sign_in("linhui@example.com")
    page.goto(f"/records/reviews/{review_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review records")
    page.get_by_label("Department").select_option(label="社群运营组")
    page.get_by_role("button", name="Produce records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records of 社群运营组")
    link = page.get_by_role("link", name="Download ZIP")
    expect(link).to_be_visible(timeout=90_000)
    expect(page.locator(".ok-line")).to_contain_text("4 records are ready.")
    with page.expect_download() as info:
        link.click()
    archive_path = tmp_path / "records.zip"
    info.value.save_as(archive_path)

    db.session.expire_all()
    expected = dict(
        db.session.execute(
            select(Appraisal.id, Person.name)
            .join(Person, Person.id == Appraisal.person_id)
            .where(Appraisal.review_id == review_id, Appraisal.department_id == world.team.id)
        ).all()
    )
    assert len(expected) == 4
    with zipfile.ZipFile(archive_path) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"{name}-{id_}.pdf" for id_, name in expected.items())
        for name in names:
            pages = PdfReader(io.BytesIO(archive.read(name))).pages
            assert name.split("-")[0] in "".join(p.extract_text() for p in pages)
