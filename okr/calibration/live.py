"""The live computation of a review's open appraisals, from inputs read in three queries."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from okr.extensions import db
from okr.objectives.models import Adjustment, Objective
from okr.reviews.models import Appraisal, PeerForm, Review
from okr.reviews.scoring import Breakdown, compute
from okr.schemes.format import TemplateSpec


def live_breakdowns(
    review: Review, spec: TemplateSpec, appraisals: list[Appraisal]
) -> dict[int, Breakdown]:
    """The live computation of the review's open appraisals among these, in three queries."""
    appraisals = [a for a in appraisals if a.finalized_at is None]
    open_ = select(Appraisal.id).where(
        Appraisal.review_id == review.id, Appraisal.finalized_at.is_(None)
    )
    people = select(Appraisal.person_id).where(Appraisal.id.in_(open_))
    objectives: dict[int, list[Objective]] = defaultdict(list)
    for o in db.session.scalars(
        select(Objective)
        .where(
            Objective.cycle_id == review.cycle_id,
            Objective.owner_id.in_(people),
            Objective.level == "individual",
        )
        .order_by(Objective.position, Objective.id)
    ):
        objectives[o.owner_id].append(o)
    forms: dict[int, list[PeerForm]] = defaultdict(list)
    for f in db.session.scalars(select(PeerForm).where(PeerForm.appraisal_id.in_(open_))):
        forms[f.appraisal_id].append(f)
    adjustments: dict[int, list[Adjustment]] = defaultdict(list)
    for a in db.session.scalars(
        select(Adjustment)
        .where(Adjustment.cycle_id == review.cycle_id, Adjustment.person_id.in_(people))
        .order_by(Adjustment.id)
    ):
        adjustments[a.person_id].append(a)
    return {
        a.id: compute(spec, a, objectives[a.person_id], forms[a.id], adjustments[a.person_id])
        for a in appraisals
    }
