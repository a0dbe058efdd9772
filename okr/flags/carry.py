"""A streak rule's `points` consequence carried into the person's next period (seed 003: "6个月
一次未获得的编辑,减1分").

When HR records such a consequence as acted on, its points become a bonus or deduction
(okr.objectives.models.Adjustment, `streak_action_id` naming the act) on the person's next
appraisal in the same template family: the first of the family whose cycle starts after the
run's newest cycle. Its reason names the rule and the run's cycles; it is scored like any
adjustment of that appraisal (within the template's caps) but counts whether or not the
template allows free-form points (its own rule gave them), and shows in the derivation
(`adjust.carried`), results.xlsx and the record. When that review is not open yet the act
waits, and the points are put on the appraisal when the review opens (`appraisals_opened`).
Undoing the act takes them out while that appraisal is not finalized; once it is, the act and
the undo are refused. The unique `streak_action_id` and the checks below make it once only,
however often HR clicks or a job is retried.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from okr.cycles.models import Cycle
from okr.errors import Invalid
from okr.extensions import db
from okr.flags.models import StreakAction
from okr.objectives.models import Adjustment
from okr.reviews import signals
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import refresh_scores, spec_of

REASON_LIMIT = 300


def reason_of(label: str, cycles: list[str]) -> str:
    """The rule and the run's cycles, as the adjustment's reason (words of the data only)."""
    return f"{label}: {' · '.join(cycles)}"[:REASON_LIMIT]


def _anchor():  # type: ignore[no-untyped-def]
    """The act's anchor appraisal with its cycle and template (aliased, for one query)."""
    return aliased(Appraisal), aliased(Review), aliased(Cycle), aliased(ReviewTemplate)


def next_appraisal(action: StreakAction) -> tuple[Appraisal, Cycle, ReviewTemplate] | None:
    """The person's first appraisal in the family of the run whose cycle starts after it."""
    a, r, c, t = _anchor()
    row = db.session.execute(
        select(Appraisal, Cycle, ReviewTemplate)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .join(a, a.id == action.appraisal_id)
        .join(r, r.id == a.review_id)
        .join(c, c.id == r.cycle_id)
        .join(t, t.id == r.template_id)
        .where(Appraisal.person_id == action.person_id, ReviewTemplate.family == t.family)
        .where(Cycle.start > c.start)
        .order_by(Cycle.start, Appraisal.id)
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def _add(action: StreakAction, cycle: Cycle, label: str) -> Adjustment:
    adjustment = Adjustment(
        cycle_id=cycle.id,
        person_id=action.person_id,
        kind=None,
        count=1,
        points=action.points,
        reason=reason_of(label, list(action.cycles or [])),
        author_id=action.acted_by_id,
        streak_action_id=action.id,
    )
    db.session.add(adjustment)
    return adjustment


def _carried(action: StreakAction) -> Adjustment | None:
    return db.session.scalar(select(Adjustment).where(Adjustment.streak_action_id == action.id))


def carry_points(action: StreakAction, label: str) -> Adjustment | None:
    """Put an act's points on the next period's appraisal, if it exists (None: it waits for
    that review to open); refused when that appraisal is finalized already. Once only."""
    if action.points is None:
        return None
    found = next_appraisal(action)
    if found is None:
        return None
    appraisal, cycle, template = found
    if appraisal.finalized_at is not None:
        raise Invalid(
            {
                "carry": _(
                    "The next period's appraisal (%(cycle)s) is finalized already: the points "
                    "can no longer be carried into it.",
                    cycle=cycle.label,
                )
            }
        )
    adjustment = _carried(action) or _add(action, cycle, label)
    db.session.flush()
    refresh_scores(appraisal, spec_of(template))
    return adjustment


def take_back(action: StreakAction) -> None:
    """Undoing an act takes its carried points out, unless their appraisal is finalized."""
    adjustment = _carried(action)
    if adjustment is None:
        return
    row = db.session.execute(
        select(Appraisal, Cycle, ReviewTemplate)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .where(Appraisal.person_id == adjustment.person_id, Cycle.id == adjustment.cycle_id)
    ).first()
    if row is not None and row[0].finalized_at is not None:
        raise Invalid(
            {
                "carry": _(
                    "Its points were carried into %(cycle)s, whose appraisal is finalized: the "
                    "act can no longer be undone.",
                    cycle=row[1].label,
                )
            }
        )
    db.session.delete(adjustment)
    db.session.flush()
    if row is not None:
        refresh_scores(row[0], spec_of(row[2]))


def carry_waiting(review: Review) -> int:
    """Put the points of the acts waiting for this period on the review's new appraisals: acts
    in force on a run of the review's family that ended before its cycle, not carried yet."""
    a, r, c, t = _anchor()
    here = db.session.execute(
        select(Cycle.start, ReviewTemplate.family, Cycle)
        .join(Review, Review.cycle_id == Cycle.id)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .where(Review.id == review.id)
    ).one()
    waiting = db.session.scalars(
        select(StreakAction)
        .join(Appraisal, Appraisal.person_id == StreakAction.person_id)
        .join(a, a.id == StreakAction.appraisal_id)
        .join(r, r.id == a.review_id)
        .join(c, c.id == r.cycle_id)
        .join(t, t.id == r.template_id)
        .where(Appraisal.review_id == review.id, Appraisal.finalized_at.is_(None))
        .where(StreakAction.undone_at.is_(None), StreakAction.points.is_not(None))
        .where(t.family == here.family, c.start < here.start)
        .where(~exists().where(Adjustment.streak_action_id == StreakAction.id))
        .order_by(StreakAction.id)
    ).all()
    labels = spec_of(db.session.get_one(ReviewTemplate, review.template_id)).glossary().outcomes
    for action in waiting:
        _add(action, here[2], labels.get(action.streak_key, action.streak_key))
    db.session.flush()
    return len(waiting)


def connect() -> None:
    """Hear a review's opening (okr.reviews.signals), listed in okr.wiring.connect_signals."""
    signals.appraisals_opened.connect(_on_opened)


def _on_opened(review: Review, **_kwargs: object) -> None:
    carry_waiting(review)


def carried_in(review: Review) -> dict[int, Decimal]:
    """Each person's streak points carried into the review's cycle (one query, for results.xlsx)."""
    totals: dict[int, Decimal] = {}
    for person_id, points in db.session.execute(
        select(Adjustment.person_id, Adjustment.points).where(
            Adjustment.cycle_id == review.cycle_id, Adjustment.streak_action_id.is_not(None)
        )
    ):
        totals[person_id] = totals.get(person_id, Decimal(0)) + points
    return totals
