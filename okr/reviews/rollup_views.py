"""HR reads the earlier cycles of an open roll-up review again (okr.reviews.rollup_job)."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_login import current_user

from okr.access import admin_required
from okr.errors import Invalid
from okr.extensions import db
from okr.forms import ActionForm
from okr.reviews import queries as q
from okr.reviews.blueprint import bp
from okr.reviews.rollup_job import read_again, read_message


@bp.post("/<int:review_id>/rollups/read")
@admin_required
def read_rollups(review_id: int) -> Response:
    """Read the roll-up sources of every open appraisal again: here, or as a job followed on
    its page for a big review; back to the review's page with what was read."""
    review = q.load_review(review_id)
    back = url_for(".dashboard", review_id=review.id)
    if not ActionForm().validate_on_submit():
        return redirect(back, 303)
    try:
        job, count = read_again(review, current_user)
    except Invalid as exc:
        db.session.rollback()
        flash(next(iter(exc.errors.values())), "error")
        return redirect(back, 303)
    if job is not None:
        job.params = {**job.params, "next": back}
        return redirect(url_for("jobs.show", job_id=job.id), 303)
    flash(read_message(count), "success")
    return redirect(back, 303)
