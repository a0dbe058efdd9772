"""Finalizing and releasing a review in the background: one job per review, a commit per chunk.

The calibration page asks for them (`start`); a worker runs them through the services a single
request would use (okr.calibration.results), committing each chunk with the job's progress.
Every appraisal a job finalizes or releases is stamped with the moment the job was asked for, so
what the job did is counted from the rows themselves (`outcome`), after a retry too: a retried
job starts again and skips what an earlier attempt committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from okr.calibration.results import CHUNK, Tally, finalizing, releasing, waiting_release
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.org.models import Person
from okr.reviews.models import Appraisal, Review
from okr.reviews.services import spec_of

FINALIZE, RELEASE = "review.finalize", "review.release"
KINDS = (FINALIZE, RELEASE)
STALE_RETRIES = 5
"""How often a chunk that somebody saved into while it was read is read again, at most."""


def active_job(review: Review) -> Job | None:
    """The review's finalize or release job while it is queued or running (one query)."""
    return db.session.scalar(
        select(Job).where(Job.active_key.in_([f"{kind}:{review.id}" for kind in KINDS]))
    )


def review_job(review: Review, job_id: int) -> Job | None:
    """A finalize or release job of this review, active or ended."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind not in KINDS or job.params.get("review_id") != review.id:
        return None
    return job


def start(kind: str, review: Review, actor: Person) -> Job:
    """Ask for the review's finalize or release job; the one asked for already while it is active.

    One of the two at a time for a review; a release needs a finalized result waiting for it.
    """
    active = active_job(review)
    if active is not None and active.kind != kind:
        raise Invalid({"_": _("The review is being finalized or released; wait until it ends.")})
    if kind == RELEASE and active is None and not waiting_release(review):
        raise Invalid({"_": _("Nothing finalized is waiting to be released.")})
    params = {"review_id": review.id, "locale": str(get_locale())}
    return submit(kind, params, actor.id, key=str(review.id))


def outcome(job: Job) -> tuple[str, str]:
    """What an ended job did, as the page says it: the message and its category."""
    review_id, at = job.params["review_id"], job.created_at
    if job.kind == FINALIZE:
        done = _count(review_id, Appraisal.finalized_at == at)
        left = _count(review_id, Appraisal.finalized_at.is_(None))
        message = _(
            "%(done)s finalized; %(left)s not complete yet (the status “open” lists them with what each is missing).",
            done=done,
            left=left,
        )
        return message, "success" if done else "info"
    count = _count(review_id, Appraisal.released_at == at)
    message = _("%(count)s results released and ranked inside each department.", count=count)
    return message, "success"


def _count(review_id: int, condition: ColumnElement[bool]) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Appraisal)
        .where(Appraisal.review_id == review_id, condition)
    )


def _review(context: JobContext) -> Review:
    review_id = context.params["review_id"]
    review = db.session.scalar(
        select(Review).where(Review.id == review_id).options(joinedload(Review.template))
    )
    if review is None:
        raise LookupError(f"review {review_id} no longer exists")
    return review


def _chunk() -> int:
    """Appraisals per commit: OKR_REVIEW_JOB_CHUNK, else results.CHUNK."""
    return int(current_app.config.get("REVIEW_JOB_CHUNK") or CHUNK)


def _in_chunks(context: JobContext, chunks: Callable[[Tally], Iterator[Tally]], total: int) -> None:
    """Commit each chunk with the progress; a chunk somebody saved into meanwhile is read again."""
    tally, stale = Tally(), 0
    context.progress(0, total)
    context.checkpoint()  # the page shows the total at once
    while True:
        since = tally  # the last chunk committed: a chunk read again starts after it
        try:
            for tally in chunks(since):
                context.progress(tally.seen, total)
                context.checkpoint()
            break
        except StaleEdit:
            db.session.rollback()
            stale += 1
            if stale > STALE_RETRIES:
                raise
    context.progress(total, total, outcome(context.job)[0])


@job_kind(FINALIZE, _l("Finalizing a review"))
def run_finalize(context: JobContext) -> None:
    """Finalize the review's complete open appraisals and draft their plans, a chunk a commit."""
    at = context.job.created_at
    with force_locale(context.params["locale"]):
        review = _review(context)
        spec = spec_of(review.template)
        total = _count(review.id, Appraisal.finalized_at.is_(None))
        chunk = _chunk()
        _in_chunks(
            context, lambda since: finalizing(review, spec, at, chunk=chunk, since=since), total
        )


@job_kind(RELEASE, _l("Releasing a review's results"))
def run_release(context: JobContext) -> None:
    """Rank every finalized result and release those waiting, a chunk a commit."""
    at = context.job.created_at
    with force_locale(context.params["locale"]):
        review = _review(context)
        total = _count(review.id, Appraisal.finalized_at.is_not(None))
        chunk = _chunk()
        _in_chunks(context, lambda since: releasing(review, at, chunk=chunk, since=since), total)
