"""Opening a review: the review row, then a draft appraisal for every active person in its
departments (and below) not yet appraised in the cycle, inserted a chunk at a time (one INSERT
per chunk, never one per person). A request opens a small review at once (`open_review`); a
whole company is opened by a "review.open" job (okr.reviews.open_job) through the same steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ColumnElement, exists, func, insert, select

from okr.cycles.models import Cycle
from okr.errors import Invalid
from okr.extensions import db
from okr.org.models import Person
from okr.org.queries import department_subtree_ids
from okr.reviews import signals
from okr.reviews.cycle_results import refresh_rollup_sources
from okr.reviews.models import Appraisal, Review, ReviewTemplate, review_department
from okr.schemes.format import parse


def open_review(
    name: str,
    cycle: Cycle,
    template: ReviewTemplate,
    department_ids: list[int],
    deadlines: tuple[date, date, date],
    actor: Person,
    counts: dict[str, int] | None = None,
) -> Review:
    """Open a review and create an appraisal for every active person in the departments (and below).

    People already appraised in another review of the same cycle are skipped; when `counts` is
    given it receives how many appraisals were created and how many people were skipped.
    """
    check_opening(template, department_ids, deadlines)
    covered = covered_departments(department_ids)
    review = new_review(name, cycle, template, department_ids, deadlines, actor)
    created = sum(appraising(review, cycle, covered, chunk=None))
    signals.appraisals_opened.send(review)
    refresh_rollup_sources(review, parse(template.spec))
    if counts is not None:
        counts.update(created=created, skipped=population(covered) - created)
    return review


def check_opening(
    template: ReviewTemplate, department_ids: list[int], deadlines: tuple[date, date, date]
) -> None:
    """At least one department, the interviews last, and a template that parses."""
    if not department_ids:
        raise Invalid({"departments": _("Choose at least one department.")})
    self_deadline, peer_deadline, interview_deadline = deadlines
    if not self_deadline <= interview_deadline or not peer_deadline <= interview_deadline:
        raise Invalid(
            {
                "interview_deadline": _(
                    "The interviews come last: their deadline must be on or after the others."
                )
            }
        )
    parse(template.spec)  # refuse a broken template before creating anything


def covered_departments(department_ids: list[int]) -> set[int]:
    """The chosen departments and every department below them."""
    covered: set[int] = set()
    for department_id in department_ids:
        covered |= department_subtree_ids(department_id)
    return covered


def review_departments(review: Review) -> list[int]:
    """The departments a review was opened for."""
    return list(
        db.session.scalars(
            select(review_department.c.department_id).where(
                review_department.c.review_id == review.id
            )
        )
    )


def population(covered: set[int]) -> int:
    """How many active people the departments hold (one counting query)."""
    return db.session.scalar(select(func.count()).where(*_in(covered))) or 0


def _in(covered: set[int]) -> tuple[ColumnElement[bool], ...]:
    return (Person.active, Person.department_id.in_(sorted(covered)))


def new_review(
    name: str,
    cycle: Cycle,
    template: ReviewTemplate,
    department_ids: list[int],
    deadlines: tuple[date, date, date],
    actor: Person,
) -> Review:
    """The review row with its departments (flushed: the appraisals need its id)."""
    self_deadline, peer_deadline, interview_deadline = deadlines
    review = Review(
        name=name.strip() or f"{cycle.label}",
        cycle_id=cycle.id,
        template_id=template.id,
        self_deadline=self_deadline,
        peer_deadline=peer_deadline,
        interview_deadline=interview_deadline,
        created_by_id=actor.id,
    )
    db.session.add(review)
    db.session.flush()
    db.session.execute(
        insert(review_department),
        [{"review_id": review.id, "department_id": d} for d in sorted(set(department_ids))],
    )
    return review


def _not_appraised(cycle: Cycle) -> ColumnElement[bool]:
    """The person has no appraisal in any review of the cycle (this one included)."""
    return ~exists().where(
        Appraisal.person_id == Person.id,
        Appraisal.review_id == Review.id,
        Review.cycle_id == cycle.id,
    )


def appraising(review: Review, cycle: Cycle, covered: set[int], chunk: int | None) -> Iterator[int]:
    """Insert draft appraisals, `chunk` people at a time (all at once when None), for the active
    people of the covered departments not yet appraised in the cycle; yields how many each chunk
    inserted (flushed, not committed).

    Each chunk reads who is still without an appraisal, so a job that commits chunk by chunk and
    is run again continues where it stopped and never appraises anyone twice (the unique
    review + person constraint guards it too).
    """
    while True:
        stmt = (
            select(Person.id, Person.manager_id, Person.department_id)
            .where(*_in(covered), _not_appraised(cycle))
            .order_by(Person.id)
            .limit(chunk)
        )
        people = db.session.execute(stmt).all()
        if people:
            # Core's executemany: the ORM's bulk insert splits the rows into a statement each
            # time a NULL manager comes or goes (it leaves out None values), one per person at worst
            rows = [_draft(review, *p) for p in people]
            db.session.execute(insert(Appraisal.__table__), rows)
            db.session.flush()
            yield len(people)
        if chunk is None or len(people) < chunk:
            return


def _draft(review: Review, person_id: int, manager_id: int | None, department_id: int) -> dict:
    return {
        "review_id": review.id,
        "person_id": person_id,
        "manager_id": manager_id,
        "department_id": department_id,
        "status": "draft",
        "self_ratings": {},
        "interview_ratings": {},
        "interview_notes": {},
        "version": 1,
    }


def appraised(review: Review) -> int:
    """How many appraisals the review has."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Appraisal).where(Appraisal.review_id == review.id)
        )
        or 0
    )


def opened_message(counts: dict[str, int]) -> str:
    """What the page says once a review is open: appraisals created, people skipped."""
    message = ngettext(
        "Review opened: %(num)d appraisal created.",
        "Review opened: %(num)d appraisals created.",
        counts["created"],
    )
    if counts["skipped"]:
        message += " " + ngettext(
            "%(num)d person was skipped: already appraised in another review of this cycle.",
            "%(num)d people were skipped: already appraised in another review of this cycle.",
            counts["skipped"],
        )
    return message
