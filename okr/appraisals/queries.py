"""Page loaders of one appraisal: the appraisal itself, its raters, what the viewer may do."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from okr.appraisals.services import suggested_raters
from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import Appraisal, PeerForm, Review
from okr.reviews.services import (  # the lock is the services' rule; pages ask it here
    appraisal_locked as appraisal_locked,
)


def load_appraisal(appraisal_id: int) -> Appraisal:
    """An appraisal with person, manager, department, and its review's cycle and template."""
    return db.one_or_404(
        select(Appraisal)
        .where(Appraisal.id == appraisal_id)
        .options(
            db.joinedload(Appraisal.person),
            db.joinedload(Appraisal.manager),
            db.joinedload(Appraisal.department),
            db.joinedload(Appraisal.review).joinedload(Review.cycle),
            db.joinedload(Appraisal.review).joinedload(Review.template),
        )
        .execution_options(populate_existing=True)
    )


def raters_of(appraisal: Appraisal) -> list[PeerForm]:
    """The assigned raters' forms with the raters (for the chain and HR only)."""
    return list(
        db.session.scalars(
            select(PeerForm)
            .where(PeerForm.appraisal_id == appraisal.id)
            .options(db.joinedload(PeerForm.rater))
            .order_by(PeerForm.id)
        )
    )


def suggestions(appraisal: Appraisal, assigned: Iterable[int]) -> list[Person]:
    """Colleagues in the same department not yet asked (never the person, nor their manager,
    who rates in the interview); anyone else can still be asked by email."""
    taken = {*assigned, appraisal.manager_id}
    return [p for p in suggested_raters(appraisal) if p.id not in taken]


def self_editable(viewer: Person, appraisal: Appraisal) -> bool:
    return (
        viewer.id == appraisal.person_id
        and appraisal.self_submitted_at is None
        and not appraisal_locked(appraisal)
    )


def can_acknowledge(viewer: Person, appraisal: Appraisal) -> bool:
    return (
        viewer.id == appraisal.person_id
        and appraisal.released_at is not None
        and appraisal.acknowledged_at is None
    )
