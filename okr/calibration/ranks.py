"""Department ranks of finalized results (the exact composite, highest first; equal ones share a rank)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, select

from okr.domain.calibration import rank
from okr.domain.composite import GRADE_PLACES
from okr.domain.numbers import round_display
from okr.extensions import db
from okr.reviews.models import Appraisal, Review


def review_ranks(review_id: int, *where: ColumnElement[bool]) -> dict[int, int]:
    """Rank of each finalized appraisal (among these) inside its department (one query)."""
    scores: dict[int, dict[str, Any]] = defaultdict(dict)
    for appraisal_id, department_id, composite in db.session.execute(
        select(Appraisal.id, Appraisal.department_id, Appraisal.composite).where(
            Appraisal.review_id == review_id,
            Appraisal.finalized_at.is_not(None),
            Appraisal.composite.is_not(None),
            *where,
        )
    ):
        scores[department_id][str(appraisal_id)] = round_display(composite, GRADE_PLACES)
    return {int(r.key): r.rank for group in scores.values() for r in rank(group)}


def department_ranks(review: Review, department_ids: set[int]) -> dict[int, int]:
    """Rank of each finalized appraisal inside its department (one query)."""
    if not department_ids:
        return {}
    return review_ranks(review.id, Appraisal.department_id.in_(department_ids))
