"""Cycles: a quarter by default; planning -> running -> reviewing -> closed; one is current."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update

from okr.cycles.models import Cycle, CycleChange
from okr.cycles.rules import NEXT_STATUS, STATUSES
from okr.cycles.signals import cap_changed
from okr.cycles.templates import template_choices
from okr.db import local_date, utcnow
from okr.domain.periods import CycleKind, period_containing
from okr.errors import Invalid
from okr.extensions import db
from okr.org.models import Person

MAX_CAP_PERCENT = 1000
"""The highest attainment cap: a key result may count at most ten times its target."""


def _check_cap(cap: Decimal, field: str) -> None:
    if cap < 1:
        raise Invalid({field: _("The cap cannot be below 100%.")})
    if cap * 100 > MAX_CAP_PERCENT:
        raise Invalid({field: _("The cap can be at most %(max)s%%.", max=MAX_CAP_PERCENT)})


def current_cycle(today: date | None = None) -> Cycle | None:
    """The cycle pages open with: HR's choice until its dates are over, then the running one holding today."""
    today = today or local_date(utcnow())
    marked = db.session.scalar(select(Cycle).where(Cycle.is_current).limit(1))
    if marked is not None and marked.end >= today:
        return marked
    calendar = db.session.scalar(
        select(Cycle)
        .where(Cycle.status == "running", Cycle.start <= today, Cycle.end >= today)
        .order_by(Cycle.start.desc())
        .limit(1)
    )
    if calendar is not None:
        return calendar
    return marked or db.session.scalar(select(Cycle).order_by(Cycle.start.desc()).limit(1))


def running_cycle(other_than: int | None = None) -> Cycle | None:
    """A running cycle other than the given one (the current one first)."""
    return db.session.scalar(
        select(Cycle)
        .where(Cycle.status == "running", Cycle.id != (other_than or 0))
        .order_by(Cycle.is_current.desc(), Cycle.start.desc())
        .limit(1)
    )


def switch_warning(label: str, cycle_id: int | None = None) -> str | None:
    """What making a cycle current does to the people checking in on a running one (None: no harm)."""
    running = running_cycle(cycle_id)
    if running is None:
        return None
    return _(
        "%(running)s is running: people check in on it every week. If %(label)s becomes "
        "current now, My week, the OKR pages and the team views open %(label)s instead, until "
        "someone switches back. Confirm below, or leave %(running)s current: pages follow the "
        "calendar to %(label)s once it runs and %(running)s is over.",
        running=running.label,
        label=label,
    )


def _check_template(template_id: int | None, field: str, cycle: Cycle | None = None) -> None:
    """A cycle names a current review template (or keeps the one it has), or none yet."""
    if template_id is None or (cycle is not None and cycle.template_id == template_id):
        return
    if template_id not in {c.id for c in template_choices() if c.current}:
        raise Invalid({field: _("Choose one of the current review templates.")})


def create_cycle(
    kind: str,
    day: date,
    cap: Decimal = Decimal(1),
    make_current: bool = False,
    *,
    confirmed: bool = True,
    template_id: int | None = None,
) -> Cycle:
    """Open the period of the given kind that contains the day (e.g. 2026 Q4) for planning.

    Making it current while another cycle runs needs `confirmed` (the form asks for it).
    `template_id` is the cycle's review template: its bonuses and deductions are recorded.
    """
    period = period_containing(CycleKind(kind), day)
    if db.session.scalar(select(Cycle.id).where(Cycle.label == period.label)):
        raise Invalid({"day": _("The cycle %(label)s exists already.", label=period.label)})
    _check_cap(cap, "cap")
    _check_template(template_id, "template")
    if make_current and not confirmed and (warning := switch_warning(period.label)):
        raise Invalid({"current": warning})
    cycle = Cycle(
        kind=kind,
        label=period.label,
        start=period.start,
        end=period.end,
        attainment_cap=cap,
        template_id=template_id,
    )
    db.session.add(cycle)
    db.session.flush()
    if make_current:
        set_current(cycle)
    return cycle


def set_current(cycle: Cycle, *, confirmed: bool = True) -> None:
    """Make this the cycle every page opens with; over a running cycle only when `confirmed`."""
    if not confirmed and (warning := switch_warning(cycle.label, cycle.id)):
        raise Invalid({"current": warning})
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
    cap_changed.send(cycle)  # objectives recompute the cycle's progress (okr.objectives.progress)


def set_template(cycle: Cycle, template_id: int | None) -> None:
    """Name the cycle's review template (or none) until the cycle is closed.

    People appraised in one of the cycle's reviews keep that review's template; for everyone
    else bonuses and deductions are recorded with this template's kinds from now on.
    """
    if cycle.status == "closed":
        raise Invalid({"template": _("The review template of a closed cycle no longer changes.")})
    _check_template(template_id, "template", cycle)
    cycle.template_id = template_id
    db.session.flush()
