"""HR's "read the earlier cycles again" on an open roll-up review.

A month or quarter released while a half-year or yearly review is open counts only from the
next read of the roll-up sources (finalize at the latest). HR may read them again for the
whole review: in the request, in a constant number of queries; for a review as big as one
whose opening is a job (OKR_OPEN_JOB_PEOPLE open appraisals or more), as a "review.rollups"
job that reads a chunk (OKR_OPEN_JOB_CHUNK) per commit with its progress. Finalized
appraisals keep what they froze.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from okr.errors import Invalid
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.org.models import Person
from okr.reviews.cycle_results import refresh_rollup_sources, refreshing
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import spec_of

READ = "review.rollups"


def _open_count(review: Review) -> int:
    stmt = select(func.count()).where(
        Appraisal.review_id == review.id, Appraisal.finalized_at.is_(None)
    )
    return db.session.scalar(stmt) or 0


def read_again(review: Review, actor: Person) -> tuple[Job | None, int]:
    """Read the roll-up sources of the open review again: (the job asked for, None when it was
    done here; how many open appraisals were or will be read)."""
    spec = spec_of(review.template)
    if not spec.domain.rollups:
        raise Invalid({"_": _("The template of this review takes no results of earlier cycles.")})
    if review.status != "open":
        raise Invalid({"_": _("Only an open review reads the earlier cycles again.")})
    count = _open_count(review)
    if count >= int(current_app.config["OPEN_JOB_PEOPLE"]):
        params = {"review_id": review.id, "locale": str(get_locale() or "zh")}
        return submit(READ, params, actor.id, key=str(review.id)), count
    return None, refresh_rollup_sources(review, spec)


def read_message(count: int) -> str:
    return _("The earlier cycles were read again for %(count)d open appraisals.", count=count)


@job_kind(READ, _l("Reading the earlier cycles again"), max_attempts=3, hr_only=True)
def run_read(context: JobContext) -> None:
    """Read the roll-up sources a chunk a commit; a retry reads every open appraisal again."""
    review = db.session.get(Review, context.params["review_id"])
    if review is None:
        raise LookupError(f"review {context.params['review_id']} no longer exists")
    spec = spec_of(db.session.get_one(ReviewTemplate, review.template_id))
    total, done = _open_count(review), 0
    context.progress(done, total)
    context.checkpoint()
    for read in refreshing(review, spec, int(current_app.config["OPEN_JOB_CHUNK"])):
        done += read
        context.progress(done, total)
        context.checkpoint()
    with force_locale(context.params["locale"]):
        context.progress(done, total, read_message(done))
