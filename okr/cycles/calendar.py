"""A cycle's calendar: the check-in cadence, the planning window (goals set top-down and agreed)
and the assessment window (results assessed), checked the same way on every path.

Seed 002 (月度目标管理考核办法) runs a month so: company goals 3 days before the month starts,
superiors and subordinates in the days after, agreement on the last day, three progress reviews
a month (上中下旬), and the assessment from the 1st to the 7th of the next month. That is the
suggestion the calendar form starts from (`suggested`), never a rule the app imposes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.cycles.models import Cycle
from okr.domain.cadence import Cadence
from okr.errors import Invalid

CADENCES = {
    Cadence.WEEKLY: _l("Every week"),
    Cadence.DEKAD: _l("Three times a month (1st–10th, 11th–20th, 21st–end)"),
    Cadence.MONTHLY: _l("Once a month"),
}
REACH = timedelta(days=92)
"""How far from its cycle a window may lie: a quarter either side."""

Window = tuple[date | None, date | None]


@dataclass(frozen=True)
class CycleCalendar:
    cadence: Cadence
    planning: Window
    assessment: Window
    binding: bool = False  # the planning window binds (okr.cycles.windows), else it guides


def calendar_of(cycle: Cycle) -> CycleCalendar:
    return CycleCalendar(
        Cadence(cycle.checkin_cadence),
        (cycle.planning_opens, cycle.planning_closes),
        (cycle.assessment_opens, cycle.assessment_closes),
        cycle.planning_binding,
    )


def suggested(cycle: Cycle) -> CycleCalendar:
    """Seed 002's calendar for this cycle's dates: planning in the 3 days before it starts,
    assessment in the first 7 days after it ends, check-ins three times a month."""
    return CycleCalendar(
        Cadence.DEKAD,
        (cycle.start - timedelta(days=3), cycle.start - timedelta(days=1)),
        (cycle.end + timedelta(days=1), cycle.end + timedelta(days=7)),
    )


def _check_window(cycle: Cycle, window: Window, field: str, errors: dict[str, str]) -> None:
    opens, closes = window
    if (opens is None) != (closes is None):
        missing = f"{field}_closes" if closes is None else f"{field}_opens"
        errors[missing] = _("Give both days of the window, or neither.")
        return
    if opens is None or closes is None:
        return
    if closes < opens:
        errors[f"{field}_closes"] = _("The window cannot close before it opens.")
    elif opens < cycle.start - REACH or closes > cycle.end + REACH:
        errors[f"{field}_opens"] = _(
            "A window lies within a quarter of its cycle (%(start)s to %(end)s).",
            start=(cycle.start - REACH).isoformat(),
            end=(cycle.end + REACH).isoformat(),
        )
    elif field == "planning" and closes > cycle.end:
        errors["planning_closes"] = _("Goals are agreed before the cycle ends.")
    elif field == "assessment" and opens < cycle.start:
        errors["assessment_opens"] = _("Results are assessed once the cycle has begun.")


def set_calendar(cycle: Cycle, calendar: CycleCalendar, version: int | None = None) -> None:
    """Save a cycle's calendar until the cycle is closed; every problem beside its field.
    `version` is the cycle's as the form was opened: a calendar saved meanwhile is not
    overwritten."""
    if version is not None and version != cycle.version:
        raise Invalid(
            {"version": _("Someone changed this cycle meanwhile; look at it again and save.")}
        )
    if cycle.status == "closed":
        raise Invalid({"cadence": _("The calendar of a closed cycle no longer changes.")})
    errors: dict[str, str] = {}
    if calendar.cadence not in CADENCES:
        errors["cadence"] = _("Choose how often people check in.")
    _check_window(cycle, calendar.planning, "planning", errors)
    _check_window(cycle, calendar.assessment, "assessment", errors)
    planned, assessed = calendar.planning[1], calendar.assessment[0]
    if not errors and planned is not None and assessed is not None and assessed <= planned:
        errors["assessment_opens"] = _("The assessment opens after the planning window closes.")
    if errors:
        raise Invalid(errors)
    cycle.checkin_cadence = str(calendar.cadence)
    cycle.planning_opens, cycle.planning_closes = calendar.planning
    cycle.assessment_opens, cycle.assessment_closes = calendar.assessment
    cycle.planning_binding = calendar.binding and calendar.planning[0] is not None
