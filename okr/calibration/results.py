"""Finalizing, calibrating, ranking, releasing and acknowledging appraisals."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from okr.calibration.live import live_breakdowns
from okr.db import utcnow
from okr.domain.calibration import rank
from okr.domain.composite import GRADE_PLACES
from okr.domain.numbers import round_display
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.org.models import Person
from okr.plans.services import draft_plan
from okr.reviews.models import Appraisal, CalibrationChange, Review
from okr.reviews.scoring import Breakdown
from okr.reviews.services import breakdown
from okr.schemes.format import TemplateSpec


def finalize(appraisal: Appraisal, spec: TemplateSpec, computed: Breakdown | None = None) -> None:
    """Freeze the derivation: from now on the appraisal never changes with templates or OKRs.

    `computed` is the live breakdown when the caller computed it already (batch finalizing).
    A grade the template names for an improvement plan gets a drafted plan.
    """
    if appraisal.finalized_at is not None:
        return
    result = computed if computed is not None else breakdown(appraisal, spec)
    if not result.complete:
        raise Invalid({"_": _("Not every part that counts is scored yet; it cannot be finalized.")})
    appraisal.result = result.to_data()
    appraisal.composite = result.result.composite if result.result else None
    appraisal.grade = result.result.grade if result.result else None
    appraisal.final_grade = appraisal.grade
    appraisal.finalized_at = utcnow()
    appraisal.status = "calibrated"
    db.session.flush()
    draft_plan(appraisal, spec)


def finalize_all(review: Review, spec: TemplateSpec) -> tuple[int, int]:
    """Finalize every complete open appraisal; returns (finalized, left incomplete)."""
    appraisals = list(
        db.session.scalars(
            select(Appraisal)
            .where(Appraisal.review_id == review.id, Appraisal.finalized_at.is_(None))
            .order_by(Appraisal.id)
        )
    )
    live = live_breakdowns(review, spec, appraisals)
    done = 0
    for appraisal in appraisals:
        if live[appraisal.id].complete:
            finalize(appraisal, spec, live[appraisal.id])
            done += 1
    return done, len(appraisals) - done


def override_grade(
    appraisal: Appraisal,
    spec: TemplateSpec,
    grade: str,
    reason: str,
    actor: Person,
    version: int | None,
) -> None:
    """HR changes a grade in calibration: a reason is required and the change is audited; inputs stay."""
    if version is not None and appraisal.version != version:
        raise StaleEdit()
    if appraisal.acknowledged_at is not None:
        raise Invalid({"grade": _("The person has acknowledged this result; it is locked.")})
    if grade not in spec.band_labels():
        raise Invalid({"grade": _("Choose one of the template's grades.")})
    if not reason.strip():
        raise Invalid({"reason": _("Say why the grade changes; the reason is recorded.")})
    finalize(appraisal, spec)
    if grade == appraisal.final_grade:
        raise Invalid({"grade": _("That is the grade it has already.")})
    db.session.add(
        CalibrationChange(
            appraisal_id=appraisal.id,
            from_grade=appraisal.final_grade,
            to_grade=grade,
            reason=reason.strip(),
            actor_id=actor.id,
        )
    )
    appraisal.final_grade = grade
    db.session.flush()


def override(
    appraisal: Appraisal,
    spec: TemplateSpec,
    grade: str,
    reason: str,
    actor: Person,
    version: int | None,
) -> None:
    """Override a grade (audited); a new plan grade gets a drafted improvement plan."""
    override_grade(appraisal, spec, grade, reason, actor, version)
    draft_plan(appraisal, spec)


def department_ranks(review: Review, department_ids: set[int]) -> dict[int, int]:
    """Rank of each finalized appraisal inside its department (one query)."""
    if not department_ids:
        return {}
    scores: dict[int, dict[str, Any]] = defaultdict(dict)
    for appraisal_id, department_id, composite in db.session.execute(
        select(Appraisal.id, Appraisal.department_id, Appraisal.composite).where(
            Appraisal.review_id == review.id,
            Appraisal.finalized_at.is_not(None),
            Appraisal.composite.is_not(None),
            Appraisal.department_id.in_(department_ids),
        )
    ):
        scores[department_id][str(appraisal_id)] = round_display(composite, GRADE_PLACES)
    return {int(r.key): r.rank for group in scores.values() for r in rank(group)}


def rank_review(review: Review) -> None:
    """Rank finalized appraisals inside each department by the composite as shown (ties share a rank)."""
    appraisals = db.session.scalars(
        select(Appraisal).where(
            Appraisal.review_id == review.id, Appraisal.finalized_at.is_not(None)
        )
    ).all()
    ranks = department_ranks(review, {a.department_id for a in appraisals})
    for appraisal in appraisals:
        appraisal.rank = ranks.get(appraisal.id)
    db.session.flush()


def release(review: Review, spec: TemplateSpec) -> int:
    """Publish the finalized results to the people (and rank them); returns how many were released."""
    pending = db.session.scalars(
        select(Appraisal).where(
            Appraisal.review_id == review.id,
            Appraisal.finalized_at.is_not(None),
            Appraisal.released_at.is_(None),
        )
    ).all()
    if not pending:
        raise Invalid({"_": _("Nothing finalized is waiting to be released.")})
    rank_review(review)
    now = utcnow()
    for appraisal in pending:
        appraisal.released_at = now
    review.status = "released"
    db.session.flush()
    return len(pending)
