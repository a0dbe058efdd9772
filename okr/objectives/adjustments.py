"""Bonuses and deductions with reasons on a person's cycle (seed 003: a typo -0.5, a post over 100k reads +2).

The person's management chain and admins record them; the person reads their own; nobody else
sees them (not even with department transparency on).  They can be added, and removed by whoever
added them or an admin, until the cycle is closed.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.domain.numbers import fmt
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.models import Adjustment
from okr.org.models import Person
from okr.org.queries import report_ids

MAX_POINTS = Decimal(1000)
"""The largest bonus or deduction: far above any scheme's scale (100 or 120 points)."""


def can_manage(viewer: Person, person: Person) -> bool:
    """The person's management chain and admins record adjustments (never for themselves)."""
    if viewer.id == person.id:
        return False
    return viewer.is_admin or person.id in report_ids(viewer.id)


def may_delete(viewer: Person, adjustment: Adjustment) -> bool:
    """Whoever recorded an adjustment may take it back; admins may remove any."""
    return viewer.is_admin or adjustment.author_id == viewer.id


def adjustments_of(cycle: Cycle, person: Person) -> list[Adjustment]:
    """A person's adjustments in a cycle, oldest first, with their authors (one query)."""
    return list(
        db.session.scalars(
            select(Adjustment)
            .where(Adjustment.cycle_id == cycle.id, Adjustment.person_id == person.id)
            .options(db.joinedload(Adjustment.author))
            .order_by(Adjustment.created_at, Adjustment.id)
        )
    )


def total_points(items: list[Adjustment]) -> Decimal:
    """Bonuses minus deductions, exact."""
    return sum((item.points for item in items), Decimal(0))


def _ensure_open(cycle: Cycle) -> None:
    if cycle.status == "closed":
        raise Invalid(
            {
                "_": _(
                    "%(cycle)s is closed: its bonuses and deductions can no longer change.",
                    cycle=cycle.label,
                )
            }
        )


def add_adjustment(
    cycle: Cycle, person: Person, points: Decimal, reason: str, actor: Person
) -> Adjustment:
    """Record a bonus (+) or deduction (-) with its reason; zero points or no reason is refused."""
    _ensure_open(cycle)
    errors = {}
    if points == 0:
        errors["points"] = _("Enter points other than 0: + for a bonus, − for a deduction.")
    elif abs(points) > MAX_POINTS:
        errors["points"] = _(
            "Enter at most %(max)s points either way, not %(points)s.",
            max=fmt(MAX_POINTS),
            points=fmt(points),
        )
    if not reason.strip():
        errors["reason"] = _("Say why.")
    if errors:
        raise Invalid(errors)
    adjustment = Adjustment(
        cycle_id=cycle.id,
        person_id=person.id,
        points=points,
        reason=reason.strip(),
        author_id=actor.id,
    )
    db.session.add(adjustment)
    db.session.flush()
    return adjustment


def delete_adjustment(adjustment: Adjustment, cycle: Cycle) -> None:
    """Take an adjustment back while the cycle is not closed."""
    _ensure_open(cycle)
    db.session.delete(adjustment)
    db.session.flush()
