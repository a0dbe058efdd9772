"""Cycles: a quarter by default; planning -> running -> reviewing -> closed; one is current."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update

from okr.domain.periods import CycleKind, period_containing
from okr.errors import Invalid
from okr.extensions import db
from okr.okrs.models import Cycle, CycleChange
from okr.okrs.progress import refresh_cycle
from okr.okrs.rules import NEXT_STATUS, STATUSES
from okr.org.models import Person

MAX_CAP_PERCENT = 1000
"""The highest attainment cap: a key result may count at most ten times its target."""


def _check_cap(cap: Decimal, field: str) -> None:
    if cap < 1:
        raise Invalid({field: _("The cap cannot be below 100%.")})
    if cap * 100 > MAX_CAP_PERCENT:
        raise Invalid({field: _("The cap can be at most %(max)s%%.", max=MAX_CAP_PERCENT)})


def current_cycle() -> Cycle | None:
    """The cycle pages default to: the one marked current, else the latest."""
    return db.session.scalar(
        select(Cycle).order_by(Cycle.is_current.desc(), Cycle.start.desc()).limit(1)
    )


def create_cycle(
    kind: str, day: date, cap: Decimal = Decimal(1), make_current: bool = False
) -> Cycle:
    """Open the period of the given kind that contains the day (e.g. 2026 Q4) for planning."""
    period = period_containing(CycleKind(kind), day)
    if db.session.scalar(select(Cycle.id).where(Cycle.label == period.label)):
        raise Invalid({"day": _("The cycle %(label)s exists already.", label=period.label)})
    _check_cap(cap, "cap")
    cycle = Cycle(
        kind=kind, label=period.label, start=period.start, end=period.end, attainment_cap=cap
    )
    db.session.add(cycle)
    db.session.flush()
    if make_current:
        set_current(cycle)
    return cycle


def set_current(cycle: Cycle) -> None:
    """Make this the cycle every page opens with."""
    db.session.execute(update(Cycle).where(Cycle.id != cycle.id).values(is_current=False))
    cycle.is_current = True
    db.session.flush()


def change_status(cycle: Cycle, to: str, actor: Person, reason: str = "") -> None:
    """Move a cycle forward one step; going back (reopening) needs a recorded reason."""
    if to not in STATUSES or to == cycle.status:
        raise Invalid({"status": _("Choose another status.")})
    forward = NEXT_STATUS.get(cycle.status) == to
    if STATUSES.index(to) > STATUSES.index(cycle.status) and not forward:
        raise Invalid(
            {"status": _("Move forward one step at a time: planning, running, reviewing, closed.")}
        )
    if not forward and not reason.strip():
        raise Invalid({"reason": _("Reopening a cycle needs a reason; it is recorded.")})
    db.session.add(
        CycleChange(
            cycle_id=cycle.id,
            from_status=cycle.status,
            to_status=to,
            reason=reason.strip(),
            actor_id=actor.id,
        )
    )
    cycle.status = to
    db.session.flush()


def set_cap(cycle: Cycle, cap: Decimal, actor: Person) -> None:
    """Change the attainment cap while planning and recompute the cycle's progress."""
    if cycle.status != "planning":
        raise Invalid(
            {"attainment_cap": _("The cap can change only while the cycle is being planned.")}
        )
    _check_cap(cap, "cap")
    cycle.attainment_cap = cap
    refresh_cycle(cycle)
