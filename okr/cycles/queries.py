"""Finding cycles."""

from __future__ import annotations

from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.extensions import db


def cycles() -> list[Cycle]:
    """All cycles, newest first (for the cycle switcher)."""
    return list(db.session.scalars(select(Cycle).order_by(Cycle.start.desc())))


def chosen_cycle(cycle_id: int | None) -> Cycle | None:
    """The cycle asked for, else the current one."""
    from okr.cycles.services import current_cycle

    if cycle_id:
        return db.session.get(Cycle, cycle_id)
    return current_cycle()
