"""HR's "read the earlier cycles again" on an open yearly review: a month released while the
review is open counts from that read (finalize at the latest); the read is HR's only, carries
the CSRF token, runs in the same number of queries for a small and a bigger review, becomes a
job with progress for a review as big as one whose opening is a job, leaves finalized
appraisals as they froze, and the review's page says when the sources were last read."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest
from flask import current_app
from sqlalchemy import select

from okr.calibration.results import finalize, release
from okr.extensions import db
from okr.jobs.models import Job
from okr.reviews.models import Review, ReviewTemplate
from okr.reviews.services import spec_of
from okr.schemes.checks import validate
from tests.factories import (
    appraisal_of,
    build_org,
    cycle_row,
    interview_only_spec,
    opened_review,
    rated_and_final,
)
from tests.helpers import text
from tests.reviews.rollup_months import AWARD, month, yearly_spec


def _org(app, make_person, make_department, *, per_manager=2, tag=""):
    with app.test_request_context():
        org = build_org(
            make_person,
            make_department,
            per_manager=per_manager,
            spec=interview_only_spec(outcomes=[AWARD]),
            tag=tag,
        )
        spec, _parsed = validate(yearly_spec(org.template.family))
    org.yearly = ReviewTemplate(family=f"yearly{tag}", version=1, name="年度考核", spec=spec)
    db.session.add(org.yearly)
    db.session.commit()
    return org


@pytest.fixture
def org(app, make_person, make_department):
    return _org(app, make_person, make_department)


def _month_of(org, year, n, rating):
    """A released month of `year` for everyone of the org (as rollup_months.month does for 2026)."""
    cycle = cycle_row(
        f"{year}-{n:02d}", date(year, n, 1), date(year, n, 28), "active", kind="month"
    )
    review = opened_review(cycle, org.template, org.teams, org.hr, name=f"{year}-{n:02d} 考核")
    db.session.commit()
    org.reviews.append(review)
    for person in org.staff:
        rated_and_final(org, person, rating, review)
    release(review, org.spec)
    db.session.commit()


def _open_year(org, year=2026):
    cycle = cycle_row(str(year), date(year, 1, 1), date(year, 12, 31), "active", kind="year")
    review = opened_review(cycle, org.yearly, org.teams, org.hr, name=f"{year} 年度考核")
    db.session.commit()
    return review


def _read(client, review):
    return client.post(f"/reviews/{review.id}/rollups/read")


def _cycles(appraisal):
    db.session.refresh(appraisal)
    return [s["cycle"] for s in appraisal.rollup_sources["monthly"]]


def test_a_month_released_while_the_year_is_open_counts_from_hrs_read(org, login):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    review = _open_year(org)
    opened_at = review.rollups_read_at
    assert opened_at is not None  # opening reads them
    finalize(appraisal_of(review, b), spec_of(org.yearly))  # b's result froze with January
    db.session.commit()
    month(org, 2, {a: "85.5", b: "92"})
    mine, theirs = appraisal_of(review, a), appraisal_of(review, b)
    assert _cycles(mine) == ["2026-01"] and mine.composite == D(95) + D(4) + D(2)

    client = login(org.hr)
    page = text(client.get(f"/reviews/{review.id}"))
    assert "Read the earlier cycles again" in page and "were last read" in page
    response = _read(client, review)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/reviews/{review.id}")
    shown = text(client.get(response.headers["Location"]))
    assert "The earlier cycles were read again for 2 open appraisals." in shown  # a and the boss

    assert _cycles(mine) == ["2026-01", "2026-02"]
    # (95 + 85.5) ÷ 2 = 90.25, 获得月度奖 once (+4), department first once (+2)
    assert mine.composite == D("96.25") and mine.grade == "升级"
    assert _cycles(theirs) == ["2026-01"] and theirs.finalized_at is not None  # frozen
    assert theirs.composite == D(80)  # January alone: second, no award
    db.session.refresh(review)
    assert review.rollups_read_at > opened_at


@pytest.mark.parametrize("who", ["manager", "employee"])
def test_only_hr_reads_again(org, login, who):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    review = _open_year(org)
    read_at = review.rollups_read_at
    month(org, 2, {a: "85.5", b: "92"})
    person = org.managers[0] if who == "manager" else a
    client = login(person)
    assert "Read the earlier cycles again" not in client.get(f"/reviews/{review.id}").get_data(
        as_text=True
    )
    assert _read(client, review).status_code == 403
    assert _cycles(appraisal_of(review, a)) == ["2026-01"]
    db.session.refresh(review)
    assert review.rollups_read_at == read_at


def test_the_read_needs_the_csrf_token(app, org, login):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    review = _open_year(org)
    month(org, 2, {a: "85.5", b: "92"})
    app.config["WTF_CSRF_ENABLED"] = True
    client = login(org.hr)
    assert _read(client, review).status_code == 400
    assert _cycles(appraisal_of(review, a)) == ["2026-01"]
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/reviews/{review.id}/rollups/read", data={"csrf_token": token})
    assert response.status_code == 303
    assert _cycles(appraisal_of(review, a)) == ["2026-01", "2026-02"]


def test_a_released_review_and_a_review_without_rollups_are_not_read(org, login):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    client = login(org.hr)
    monthly = org.reviews[0]
    response = _read(client, monthly)
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "The template of this review takes no results of earlier cycles." in page
    assert "Read the earlier cycles again" not in page
    review = _open_year(org)
    spec = spec_of(org.yearly)
    for person in (a, b):
        finalize(appraisal_of(review, person), spec)
    db.session.commit()
    release(review, spec)
    db.session.commit()
    assert db.session.get(Review, review.id).status != "open"
    page = text(client.get(_read(client, review).headers["Location"]))
    assert "Only an open review reads the earlier cycles again." in page


def test_the_read_and_the_page_run_the_same_queries_for_a_bigger_review(
    app, org, login, count_queries, make_person, make_department
):
    big = _org(app, make_person, make_department, per_manager=7, tag="B")
    month(org, 1, dict.fromkeys(org.staff, "88"))
    for n in (1, 2, 3):
        _month_of(big, 2027, n, "88")
    small_review, big_review = _open_year(org), _open_year(big, 2027)
    counts = []
    for each, review in ((org, small_review), (big, big_review)):
        client = login(each.hr)
        with count_queries() as read:
            assert _read(client, review).status_code == 303
        with count_queries() as page:
            assert client.get(f"/reviews/{review.id}").status_code == 200
        counts.append((read.count, page.count))
    assert counts[0] == counts[1], counts
    assert len(_cycles(appraisal_of(big_review, big.staff[6]))) == 3


def test_a_big_review_reads_again_as_a_job_with_progress(org, login, run_jobs):
    a, b = org.staff
    month(org, 1, {a: "95", b: "80"})
    review = _open_year(org)
    month(org, 2, {a: "85.5", b: "92"})
    current_app.config.update(OPEN_JOB_PEOPLE=3, OPEN_JOB_CHUNK=2)  # 3 open appraisals
    client = login(org.hr)
    first, again = _read(client, review), _read(client, review)  # a double click: one job
    assert first.headers["Location"] == again.headers["Location"]
    (job,) = db.session.scalars(select(Job)).all()
    assert first.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind, job.params["review_id"], job.status) == (
        "review.rollups",
        review.id,
        "queued",
    )
    assert _cycles(appraisal_of(review, a)) == ["2026-01"]  # nothing read in the request
    assert login(org.managers[0]).get(f"/jobs/{job.id}").status_code == 403
    assert run_jobs() == [job.id]
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    assert job.message == "The earlier cycles were read again for 3 open appraisals."
    page = text(login(org.hr).get(f"/jobs/{job.id}"))
    assert job.message in page and f'href="/reviews/{review.id}"' in page
    assert _cycles(appraisal_of(review, a)) == ["2026-01", "2026-02"]
    assert appraisal_of(review, a).composite == D("96.25")
