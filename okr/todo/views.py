"""What I owe in open reviews: my self-assessments, my team-evaluation forms, the interviews I hold."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import Response, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from okr.extensions import db
from okr.org.models import Person
from okr.reviews import queries as q
from okr.reviews.models import Appraisal, PeerForm, Review
from okr.reviews.services import spec_of
from okr.todo.blueprint import bp
from okr.web import render


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
        return q.today() > self.deadline


def owed_by(viewer: Person) -> list[Owed]:
    """What the viewer owes in open reviews: their self-assessments, peer forms, interviews."""
    items: list[Owed] = []
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
    for appraisal in mine:
        if spec_of(appraisal.review.template).criteria("self"):
            items.append(
                Owed(
                    "self",
                    appraisal.review,
                    appraisal.person,
                    appraisal.review.self_deadline,
                    url_for(
                        "appraisals.show", appraisal_id=appraisal.id, _anchor=f"self-{appraisal.id}"
                    ),
                    bool(appraisal.self_ratings or appraisal.self_reflection),
                )
            )
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
    for form in forms:
        review = form.appraisal.review
        items.append(
            Owed(
                "peer",
                review,
                form.appraisal.person,
                review.peer_deadline,
                url_for("peer_forms.edit", form_id=form.id),
                bool(form.ratings or form.comment),
            )
        )
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
    for appraisal in interviews:
        items.append(
            Owed(
                "interview",
                appraisal.review,
                appraisal.person,
                appraisal.review.interview_deadline,
                url_for("appraisals.interview", appraisal_id=appraisal.id),
                bool(
                    appraisal.interview_ratings or any((appraisal.interview_notes or {}).values())
                ),
            )
        )
    return sorted(items, key=lambda o: (o.deadline, o.kind, o.person.name))


def group_owed(items: list[Owed]) -> dict[str, list[Owed]]:
    grouped: dict[str, list[Owed]] = defaultdict(list)
    for item in items:
        grouped[item.kind].append(item)
    return grouped


@bp.get("")
@login_required
def index() -> Response:
    """Each thing owed with its deadline, soonest first; overdue ones are marked."""
    items = owed_by(current_user)
    return render(
        "todo/index.html",
        items=items,
        groups=group_owed(items),
        overdue=sum(1 for item in items if item.overdue),
    )
