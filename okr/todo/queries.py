"""What a person owes in open reviews: self-assessments, team-evaluation forms, interviews."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import select

from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import Appraisal, PeerForm, Review
from okr.reviews.queries import today
from okr.reviews.services import spec_of


@dataclass
class Owed:
    kind: str  # self | peer | interview
    review: Review
    person: Person
    deadline: date
    url: str
    started: bool = False

    @property
    def overdue(self) -> bool:
        return today() > self.deadline


def owed_by(viewer: Person) -> list[Owed]:
    """What the viewer owes in open reviews: their self-assessments, peer forms, interviews."""
    items = [*_self_assessments(viewer), *_peer_forms(viewer), *_interviews(viewer)]
    return sorted(items, key=lambda o: (o.deadline, o.kind, o.person.name))


def _self_assessments(viewer: Person) -> list[Owed]:
    """The viewer's own appraisals not submitted yet (when the template asks for one)."""
    mine = db.session.scalars(
        select(Appraisal)
        .join(Appraisal.review)
        .where(
            Appraisal.person_id == viewer.id,
            Appraisal.self_submitted_at.is_(None),
            Appraisal.finalized_at.is_(None),
            Review.status == "open",
        )
        .options(
            db.contains_eager(Appraisal.review).joinedload(Review.template),
            db.joinedload(Appraisal.person),
        )
    )
    return [
        Owed(
            "self",
            appraisal.review,
            appraisal.person,
            appraisal.review.self_deadline,
            url_for("appraisals.show", appraisal_id=appraisal.id, _anchor=f"self-{appraisal.id}"),
            bool(appraisal.self_ratings or appraisal.self_reflection),
        )
        for appraisal in mine
        if spec_of(appraisal.review.template).criteria("self")
    ]


def _peer_forms(viewer: Person) -> list[Owed]:
    """The team-evaluation forms the viewer was asked to fill and has not submitted."""
    forms = db.session.scalars(
        select(PeerForm)
        .join(PeerForm.appraisal)
        .join(Appraisal.review)
        .where(
            PeerForm.rater_id == viewer.id,
            PeerForm.submitted_at.is_(None),
            Appraisal.finalized_at.is_(None),
            Review.status == "open",
        )
        .options(
            db.contains_eager(PeerForm.appraisal).joinedload(Appraisal.person),
            db.contains_eager(PeerForm.appraisal).contains_eager(Appraisal.review),
        )
    )
    return [
        Owed(
            "peer",
            form.appraisal.review,
            form.appraisal.person,
            form.appraisal.review.peer_deadline,
            url_for("peer_forms.edit", form_id=form.id),
            bool(form.ratings or form.comment),
        )
        for form in forms
    ]


def _interviews(viewer: Person) -> list[Owed]:
    """The interviews the viewer holds as the manager and has not completed."""
    interviews = db.session.scalars(
        select(Appraisal)
        .join(Appraisal.review)
        .where(
            Appraisal.manager_id == viewer.id,
            Appraisal.person_id != viewer.id,
            Appraisal.interview_at.is_(None),
            Appraisal.finalized_at.is_(None),
            Review.status == "open",
        )
        .options(db.contains_eager(Appraisal.review), db.joinedload(Appraisal.person))
    )
    return [
        Owed(
            "interview",
            appraisal.review,
            appraisal.person,
            appraisal.review.interview_deadline,
            url_for("appraisals.interview", appraisal_id=appraisal.id),
            bool(appraisal.interview_ratings or any((appraisal.interview_notes or {}).values())),
        )
        for appraisal in interviews
    ]


def group_owed(items: list[Owed]) -> dict[str, list[Owed]]:
    grouped: dict[str, list[Owed]] = defaultdict(list)
    for item in items:
        grouped[item.kind].append(item)
    return grouped
