"""Opening a review for a whole company in the background: the request creates the review row
and asks for a "review.open" job; a worker inserts the appraisals a chunk at a time
(okr.reviews.opening.appraising), committing each chunk with the job's progress. A retried job
reads again who is still without an appraisal, so nobody is appraised twice."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.org.models import Person
from okr.reviews import signals
from okr.reviews.cycle_results import refresh_rollup_sources
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.opening import (
    appraised,
    appraising,
    check_opening,
    covered_departments,
    new_review,
    opened_message,
    population,
    review_departments,
)
from okr.schemes.format import parse

OPEN = "review.open"


def opens_as_job(department_ids: list[int]) -> bool:
    """Whether opening for these departments runs as a job (OKR_OPEN_JOB_PEOPLE people or more)."""
    people = population(covered_departments(department_ids))
    return people >= int(current_app.config["OPEN_JOB_PEOPLE"])


def start_opening(
    name: str,
    cycle: Cycle,
    template: ReviewTemplate,
    department_ids: list[int],
    deadlines: tuple[date, date, date],
    actor: Person,
) -> Job:
    """Create the review and ask for its opening job; while an opening of the cycle is queued
    or running (a double click), that job instead of a second review."""
    key = str(cycle.id)
    active = db.session.scalar(select(Job).where(Job.active_key == f"{OPEN}:{key}"))
    if active is not None:
        return active
    check_opening(template, department_ids, deadlines)
    review = new_review(name, cycle, template, department_ids, deadlines, actor)
    params = {"review_id": review.id, "locale": str(get_locale() or "zh")}
    return submit(OPEN, params, actor.id, key=key)


def _chunk() -> int:
    return int(current_app.config["OPEN_JOB_CHUNK"])


def _eligible(review: Review, cycle: Cycle, covered: set[int]) -> int:
    """People who will be appraised in this review: active, covered, in no other review of the
    cycle."""
    elsewhere = exists().where(
        Appraisal.person_id == Person.id,
        Appraisal.review_id == Review.id,
        Review.cycle_id == cycle.id,
        Review.id != review.id,
    )
    stmt = select(func.count()).where(
        Person.active, Person.department_id.in_(sorted(covered)), ~elsewhere
    )
    return db.session.scalar(stmt) or 0


@job_kind(OPEN, _l("Opening a review"), concurrency=1, max_attempts=3, retry_delay=5.0)
def run_open(context: JobContext) -> None:
    """Appraise everyone the review covers, a chunk a commit; say what was created and skipped."""
    review = db.session.get(Review, context.params["review_id"])
    if review is None:
        raise LookupError(f"review {context.params['review_id']} no longer exists")
    cycle = db.session.get_one(Cycle, review.cycle_id)
    covered = covered_departments(review_departments(review))
    total, done = _eligible(review, cycle, covered), appraised(review)
    context.progress(done, total)
    context.checkpoint()
    for inserted in appraising(review, cycle, covered, chunk=_chunk()):
        done += inserted
        context.progress(done, total)
        context.checkpoint()
    signals.appraisals_opened.send(review)
    refresh_rollup_sources(
        review, parse(db.session.get_one(ReviewTemplate, review.template_id).spec)
    )
    context.checkpoint()
    counts = {"created": done, "skipped": population(covered) - done}
    with force_locale(context.params["locale"]):
        context.progress(done, total, opened_message(counts))
