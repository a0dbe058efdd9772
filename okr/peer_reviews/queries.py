"""Page loaders of team-evaluation forms: one form, the rater's list, whether it is closed."""

from __future__ import annotations

from sqlalchemy import select

from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import Appraisal, PeerForm, Review
from okr.reviews.queries import today


def load_peer_form(form_id: int) -> PeerForm:
    """A peer form with its appraisal, the ratee, and the review's template."""
    return db.one_or_404(
        select(PeerForm)
        .where(PeerForm.id == form_id)
        .options(
            db.joinedload(PeerForm.appraisal).joinedload(Appraisal.person),
            db.joinedload(PeerForm.appraisal)
            .joinedload(Appraisal.review)
            .joinedload(Review.template),
        )
        .execution_options(populate_existing=True)
    )


def peer_form_closed(form: PeerForm) -> bool:
    """After the peer deadline (company calendar) or once the appraisal is finalized."""
    appraisal = form.appraisal
    return (
        today() > appraisal.review.peer_deadline
        or appraisal.finalized_at is not None
        or appraisal.review.status != "open"
    )


def my_peer_forms(viewer: Person) -> list[PeerForm]:
    """Every form the viewer was asked to fill, newest review first."""
    return list(
        db.session.scalars(
            select(PeerForm)
            .join(PeerForm.appraisal)
            .join(Appraisal.review)
            .where(PeerForm.rater_id == viewer.id)
            .options(
                db.contains_eager(PeerForm.appraisal).joinedload(Appraisal.person),
                db.contains_eager(PeerForm.appraisal).contains_eager(Appraisal.review),
            )
            .order_by(Review.peer_deadline.desc(), PeerForm.id)
        )
    )
