"""What is owed in open reviews, for the whole company at once: one query per stage.

The stages are the self-assessment, the team-evaluation (peer) forms, the interview and the
acknowledgement of a released result. Each row is one thing owed (an appraisal or a form): who
owes it, by when, and who manages them (the escalation's recipient). The same statement, for
one item, is the still-due check delivery asks just before sending.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from okr.extensions import db
from okr.org.models import Person
from okr.org.queries import among
from okr.reviews.models import Appraisal, PeerForm, Review, ReviewTemplate
from okr.reviews.services import spec_of

STAGES = ("self", "peer", "interview", "acknowledgement")

Subject, Owner, Boss = aliased(Person), aliased(Person), aliased(Person)


@dataclass(frozen=True)
class Owed:
    """One thing owed in a review stage."""

    stage: str
    item_id: int  # the appraisal, or the peer form
    appraisal_id: int
    review: str
    deadline: date
    subject: str  # whose appraisal it is
    owner_id: int  # who owes it
    owner: str
    owner_locale: str | None
    boss_id: int | None  # the owner's manager: escalations go to them
    boss: str | None
    boss_locale: str | None
    department_id: int  # the appraisal's department (HR's digest groups by it)


def _columns(item, deadline):  # type: ignore[no-untyped-def]
    return (
        item,
        Appraisal.id,
        Review.name,
        deadline,
        Subject.name,
        Owner.id,
        Owner.name,
        Owner.locale,
        Boss.id,
        Boss.name,
        Boss.locale,
        Appraisal.department_id,
    )


def _appraisals(deadline, owner_column, boss_column) -> Select:  # type: ignore[no-untyped-def, type-arg]
    return (
        select(*_columns(Appraisal.id, deadline))
        .join(Review, Review.id == Appraisal.review_id)
        .join(Subject, Subject.id == Appraisal.person_id)
        .join(Owner, Owner.id == owner_column)
        .outerjoin(Boss, Boss.id == boss_column)
        .where(Owner.active)
    )


def statement(stage: str) -> Select:  # type: ignore[type-arg]
    """Everything still owed in a stage (callers narrow it by deadline or by item)."""
    open_appraisal = (Review.status == "open", Appraisal.finalized_at.is_(None))
    if stage == "self":
        return _appraisals(Review.self_deadline, Appraisal.person_id, Appraisal.manager_id).where(
            *open_appraisal, Appraisal.self_submitted_at.is_(None)
        )
    if stage == "interview":
        return _appraisals(Review.interview_deadline, Appraisal.manager_id, Owner.manager_id).where(
            *open_appraisal,
            Appraisal.interview_at.is_(None),
            Appraisal.manager_id != Appraisal.person_id,
        )
    if stage == "acknowledgement":
        return _appraisals(Appraisal.released_at, Appraisal.person_id, Appraisal.manager_id).where(
            Review.status != "closed",
            Appraisal.released_at.is_not(None),
            Appraisal.acknowledged_at.is_(None),
        )
    return (
        select(*_columns(PeerForm.id, Review.peer_deadline))
        .join(Appraisal, Appraisal.id == PeerForm.appraisal_id)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Subject, Subject.id == Appraisal.person_id)
        .join(Owner, Owner.id == PeerForm.rater_id)
        .outerjoin(Boss, Boss.id == Owner.manager_id)
        .where(Owner.active, *open_appraisal, PeerForm.submitted_at.is_(None))
    )


def _item(stage: str):  # type: ignore[no-untyped-def]
    return PeerForm.id if stage == "peer" else Appraisal.id


def _deadline(stage: str):  # type: ignore[no-untyped-def]
    return {
        "self": Review.self_deadline,
        "peer": Review.peer_deadline,
        "interview": Review.interview_deadline,
    }[stage]


def self_assessed_reviews() -> list[int]:
    """Open reviews whose template asks for a self-assessment (one query over the few open ones)."""
    rows = db.session.execute(
        select(Review.id, ReviewTemplate)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .where(Review.status == "open")
    )
    return [review_id for review_id, template in rows if spec_of(template).criteria("self")]


def owed(stage: str, today: date, ahead: int, zone: ZoneInfo, ack_days: int) -> list[Owed]:
    """What is owed in a stage with a deadline `ahead` days from today or earlier."""
    stmt = statement(stage)
    if stage != "acknowledgement":  # a release's deadline is its date plus ack_days (below)
        stmt = stmt.where(_deadline(stage) <= today + timedelta(days=ahead))
    if stage == "self":
        stmt = stmt.where(Appraisal.review_id.in_(self_assessed_reviews()))
    found = []
    for row in db.session.execute(stmt.order_by(_item(stage))):
        deadline = row[3]
        if isinstance(deadline, datetime):  # a release: acknowledged within ack_days
            deadline = deadline.astimezone(zone).date() + timedelta(days=ack_days)
        found.append(Owed(stage, row[0], row[1], row[2], deadline, *row[4:]))
    return found


def still_owed(stage: str, item_ids: Iterable[int]) -> set[int]:
    """Those of the stage's items still owed (delivery asks just before sending)."""
    return set(db.session.scalars(statement(stage).where(among(_item(stage), item_ids))))
