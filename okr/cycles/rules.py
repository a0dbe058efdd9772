"""What a cycle's status allows, and its binding planning window (okr.cycles.windows)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from okr.cycles.models import Cycle
from okr.cycles.windows import OutsideWindow, day_label, today, window_state
from okr.org.models import Person

STATUSES = ("planning", "running", "reviewing", "closed")


NEXT_STATUS = {"planning": "running", "running": "reviewing", "reviewing": "closed"}


def plan_editable(cycle: Cycle) -> bool:
    """Objectives, targets and weights can change only while the cycle is being planned."""
    return cycle.status == "planning"


def checkins_open(cycle: Cycle) -> bool:
    """Check-ins are taken while the cycle runs and during its review (final values)."""
    return cycle.status in ("running", "reviewing")


def check_planning_window(cycle: Cycle, actor: Person, on: date | None = None) -> None:
    """A binding planning window refuses objectives added or submitted outside it, except by HR;
    a window that only guides (the default), or none, refuses nothing."""
    if not cycle.planning_binding or actor.is_admin:
        return
    opens, closes = cycle.planning_opens, cycle.planning_closes
    today_ = on or today()
    if window_state(opens, closes, today_) in (None, "open"):
        return
    assert opens is not None and closes is not None
    raise OutsideWindow(
        {
            "_": _(
                "The planning window of %(cycle)s is binding: objectives are added and submitted "
                "from %(opens)s to %(closes)s. Outside it, ask HR to add or submit them.",
                cycle=cycle.label,
                opens=day_label(opens, today_),
                closes=day_label(closes, today_),
            )
        }
    )
