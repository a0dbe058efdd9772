"""The review core: open a review, its inputs and live scores, ratings as typed, the lock.

A closed review is read-only: every service that changes an appraisal's inputs (here, in
okr.appraisals.services and okr.peer_reviews.services) calls `ensure_unlocked`. Services flush.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from okr.domain.errors import DomainError
from okr.domain.numbers import parse_decimal
from okr.domain.template import Part
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.objectives.models import Adjustment, Objective
from okr.objectives.queries import individual_objectives
from okr.reviews.models import Appraisal, PeerForm, Review, ReviewTemplate
from okr.reviews.opening import open_review  # noqa: F401  (opening moved; callers import it here)
from okr.reviews.scoring import Breakdown, compute
from okr.schemes.format import TemplateSpec, parse

INTERVIEW_STEPS = ("purpose", "self_assessment", "result", "disagreement", "plan")
STATUS_ORDER = ("draft", "self_assessed", "peer_rated", "interviewed", "calibrated", "acknowledged")


@lru_cache(maxsize=256)
def _parse_text(text: str) -> TemplateSpec:
    return parse(json.loads(text))


def spec_of(template: ReviewTemplate) -> TemplateSpec:
    """The parsed template, parsed once per process for each distinct content."""
    return _parse_text(json.dumps(template.spec, sort_keys=True, ensure_ascii=False))


def review_of(appraisal: Appraisal) -> Review:
    """The appraisal's review (from the identity map when already loaded)."""
    review = db.session.get(Review, appraisal.review_id)
    assert review is not None
    return review


def check_version(record: Appraisal | PeerForm, version: int | None) -> None:
    """Refuse a save made on an older version than the one stored (someone saved meanwhile)."""
    if version is not None and record.version != version:
        raise StaleEdit()


def template_in_use(template: ReviewTemplate) -> bool:
    """A template that any review uses is frozen."""
    return (
        db.session.scalar(select(Review.id).where(Review.template_id == template.id).limit(1))
        is not None
    )


# Inputs and live scores -------------------------------------------------------------------


def inputs_for(appraisal: Appraisal) -> tuple[list[Objective], list[PeerForm], list[Adjustment]]:
    """What an appraisal is computed from: the person's objectives, peer forms and adjustments."""
    review = review_of(appraisal)
    objectives = list(
        db.session.scalars(individual_objectives(review.cycle_id, appraisal.person_id))
    )
    forms = list(db.session.scalars(select(PeerForm).where(PeerForm.appraisal_id == appraisal.id)))
    adjustments = list(
        db.session.scalars(
            select(Adjustment)
            .where(
                Adjustment.cycle_id == review.cycle_id, Adjustment.person_id == appraisal.person_id
            )
            .order_by(Adjustment.id)
        )
    )
    return objectives, forms, adjustments


def breakdown(appraisal: Appraisal, spec: TemplateSpec) -> Breakdown:
    """The live computation for an open appraisal."""
    return compute(spec, appraisal, *inputs_for(appraisal))


def refresh_scores(appraisal: Appraisal, spec: TemplateSpec) -> Breakdown:
    """Recompute and store the live composite and grade (not for finalized appraisals)."""
    result = breakdown(appraisal, spec)
    if appraisal.finalized_at is None:
        appraisal.composite = result.result.composite if result.result else None
        appraisal.grade = result.result.grade if result.result else None
    return result


def advance(appraisal: Appraisal, status: str) -> None:
    """Move the appraisal on to `status`, never back."""
    appraisal.status = advanced(appraisal.status, status)


def advanced(current: str, status: str) -> str:
    """The later of two statuses in STATUS_ORDER."""
    return status if STATUS_ORDER.index(status) > STATUS_ORDER.index(current) else current


def lock_appraisal(appraisal: Appraisal) -> None:
    """Lock the appraisal's row and re-read it before its live figures are recomputed.

    The person, the manager and every peer save parts of one appraisal at the same time, and each
    save recomputes the composite from all parts: taking the row lock first (PostgreSQL; SQLite
    write requests are serialised already) means each reads what the others committed.
    """
    names = [attr.key for attr in sa_inspect(Appraisal).column_attrs]
    db.session.refresh(appraisal, attribute_names=names, with_for_update=True)


# Ratings ------------------------------------------------------------------------------------


def read_ratings(
    spec: TemplateSpec, part: str, form_data: dict[str, Any], *, complete: bool
) -> dict[str, str]:
    """Ratings typed into a form, checked against each criterion's scale; all needed to submit."""
    ratings, errors = checked_ratings(spec, part, form_data, complete=complete)
    if errors:
        raise Invalid(errors)
    return ratings


def checked_ratings(
    spec: TemplateSpec, part: str, form_data: dict[str, Any], *, complete: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The usable ratings typed into a form, and a message for each one that is not."""
    errors: dict[str, str] = {}
    ratings: dict[str, str] = {}
    for criterion in spec.domain.criteria.get(Part(part), ()):
        text = str(form_data.get(f"rating-{criterion.key}", "") or "").strip()
        if not text:
            if complete:
                errors[f"rating-{criterion.key}"] = _("Rate this before submitting.")
            continue
        try:
            value = parse_decimal(text)
        except DomainError:
            errors[f"rating-{criterion.key}"] = _("Enter a number.")
            continue
        low, high = criterion.scale.min, criterion.scale.max
        if not low <= value <= high:
            errors[f"rating-{criterion.key}"] = _(
                "Use the scale from %(low)s to %(high)s.", low=str(low), high=str(high)
            )
            continue
        ratings[criterion.key] = str(value)
    return ratings, errors


def appraisal_locked(appraisal: Appraisal) -> bool:
    """Finalized or in a review that is no longer open: inputs no longer change."""
    return appraisal.finalized_at is not None or review_of(appraisal).status != "open"


def ensure_unlocked(appraisal: Appraisal) -> None:
    """Refuse changes to the inputs of a finalized appraisal or of a review no longer open.

    Every service that changes an appraisal's inputs calls it, so a page, a command or a job
    cannot write into a closed review."""
    if appraisal_locked(appraisal):
        raise Invalid(
            {
                "_": _(
                    "This review is closed for changes: its results are being finalized or published."
                )
            }
        )
