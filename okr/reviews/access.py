"""Who may see and do what in a review.

Appraisals: the person, their management chain and HR; scores reach the person only once
released. Interview ratings: the person's manager (or anyone above). Peer forms: only the
assigned rater. Calibration: HR only.
"""

from __future__ import annotations

from okr.org.models import Person
from okr.org.queries import report_ids
from okr.reviews.models import Appraisal, PeerForm


def in_chain(viewer: Person, appraisal: Appraisal) -> bool:
    """The viewer manages the person now, or did when the review opened."""
    return appraisal.manager_id == viewer.id or appraisal.person_id in report_ids(viewer.id)


def can_view(viewer: Person, appraisal: Appraisal) -> bool:
    """The person themself, their chain, and HR."""
    return viewer.is_admin or viewer.id == appraisal.person_id or in_chain(viewer, appraisal)


def sees_scores(viewer: Person, appraisal: Appraisal) -> bool:
    """The person sees scores once released; the chain and HR always."""
    if viewer.id == appraisal.person_id and not viewer.is_admin:
        return appraisal.released_at is not None
    return can_view(viewer, appraisal)


def can_interview(viewer: Person, appraisal: Appraisal) -> bool:
    """The manager who holds the one-on-one (or anyone above them), never the person."""
    return viewer.id != appraisal.person_id and in_chain(viewer, appraisal)


def can_assign_peers(viewer: Person, appraisal: Appraisal) -> bool:
    """The person's manager chain or HR choose the raters."""
    return viewer.id != appraisal.person_id and (viewer.is_admin or in_chain(viewer, appraisal))


def can_fill_peer_form(viewer: Person, form: PeerForm) -> bool:
    """Only the assigned rater."""
    return viewer.id == form.rater_id
