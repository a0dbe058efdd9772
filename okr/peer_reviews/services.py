"""Saving a team-evaluation (peer) form: the rater's ratings and comment, until the deadline.

The appraisal's status and live composite follow from the forms. Services flush.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from okr.db import local_date, utcnow
from okr.errors import Invalid
from okr.extensions import db
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.services import (
    advanced,
    breakdown,
    check_version,
    ensure_unlocked,
    lock_appraisal,
    read_ratings,
    review_of,
)
from okr.schemes.format import TemplateSpec


def _deadline_passed(deadline: date) -> bool:
    return local_date(utcnow()) > deadline


def _store_live_figures(appraisal: Appraisal, **values: Any) -> None:
    """Write derived fields of an appraisal without moving its version (a peer is not editing it)."""
    table = Appraisal.__table__
    db.session.execute(update(table).where(table.c.id == appraisal.id).values(**values))
    for name, value in values.items():
        set_committed_value(appraisal, name, value)


def save_peer_form(
    form: PeerForm,
    appraisal: Appraisal,
    spec: TemplateSpec,
    form_data: dict[str, Any],
    comment: str,
    submit: bool,
    version: int | None,
) -> None:
    """A rater fills in their form; it stays editable until the peer deadline.

    The appraisal's status and live composite follow from the forms; they are stored without
    moving the appraisal's version, so a peer never makes the person's or manager's form stale.
    """
    ensure_unlocked(appraisal)
    check_version(form, version)
    lock_appraisal(appraisal)
    if _deadline_passed(review_of(appraisal).peer_deadline) or appraisal.finalized_at is not None:
        raise Invalid({"_": _("The deadline for the team evaluation has passed.")})
    form.ratings = read_ratings(
        spec, "peer", form_data, complete=submit or form.submitted_at is not None
    )
    form.comment = comment.strip()
    if submit and form.submitted_at is None:
        form.submitted_at = utcnow()
    db.session.flush()
    submitted = db.session.scalar(
        select(db.func.count()).where(
            PeerForm.appraisal_id == appraisal.id, PeerForm.submitted_at.is_not(None)
        )
    )
    figures: dict[str, Any] = {"status": appraisal.status}
    if submitted >= spec.domain.min_peer_raters:
        figures["status"] = advanced(appraisal.status, "peer_rated")
    if appraisal.finalized_at is None:
        result = breakdown(appraisal, spec).result
        figures["composite"] = result.composite if result else None
        figures["grade"] = result.grade if result else None
    _store_live_figures(appraisal, **figures)
