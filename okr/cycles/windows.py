"""A cycle's planning and assessment windows as the pages show them, and the binding window.

Seed 002 sets goals top-down in the last days of the month before ("每月月底前3天公司提出月度
总目标 …，月底结束前最后一天双方讨论并确定目标") and assesses from the 1st to the 7th of the next
month ("月度目标管理考核在次月1日-7日进行"). As OKR tools do with their planning and review
phases, the windows guide: the pages show them with the days left and reminders nudge before
they close, but nothing is locked. Unless HR makes a cycle's planning window binding: then
outside it only HR adds or submits objectives, checked for every path (the objective form,
KR templates, submitting a set) by okr.cycles.rules.check_planning_window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from okr.cycles.blueprint import bp
from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.errors import Invalid

WINDOWS = ("planning", "assessment")


@dataclass(frozen=True)
class WindowNote:
    """One window of a cycle as a banner says it."""

    which: str  # planning | assessment
    state: str  # before | open | closed
    text: str


class OutsideWindow(Invalid):
    """Objectives added or submitted outside a binding planning window (by someone not HR)."""


def window_state(opens: date | None, closes: date | None, today: date) -> str | None:
    """Before, open (both days included) or closed; None for a cycle without this window."""
    if opens is None or closes is None:
        return None
    if today < opens:
        return "before"
    return "open" if today <= closes else "closed"


def today() -> date:
    """The company's calendar day."""
    return local_date(utcnow())


def day_label(day: date, today_: date) -> str:
    """A day as the reader's language writes it, without the year when it is this year's
    (12月28日, Dec 28)."""
    skeleton = "MMMd" if day.year == today_.year else "yMMMd"
    return format_skeleton(skeleton, day, locale=get_locale())


def _bounds(cycle: Cycle, which: str) -> tuple[date | None, date | None]:
    if which == "planning":
        return cycle.planning_opens, cycle.planning_closes
    return cycle.assessment_opens, cycle.assessment_closes


def _text(which: str, state: str, opens: date, closes: date, today_: date) -> str:
    planning = which == "planning"
    if state == "before":
        day = day_label(opens, today_)
        if planning:
            return _("Planning opens on %(day)s.", day=day)
        return _("Assessment opens on %(day)s.", day=day)
    day, left = day_label(closes, today_), (closes - today_).days
    if state == "closed":
        if planning:
            return _("Planning closed on %(day)s.", day=day)
        return _("Assessment closed on %(day)s.", day=day)
    if left == 0:
        if planning:
            return _("Planning open until today, %(day)s (last day).", day=day)
        return _("Assessment open until today, %(day)s (last day).", day=day)
    if planning:
        return ngettext(
            "Planning open until %(day)s (%(num)d day left).",
            "Planning open until %(day)s (%(num)d days left).",
            left,
            day=day,
        )
    return ngettext(
        "Assessment open until %(day)s (%(num)d day left).",
        "Assessment open until %(day)s (%(num)d days left).",
        left,
        day=day,
    )


def window_notes(cycle: Cycle, *which: str, on: date | None = None) -> list[WindowNote]:
    """The banners of a cycle's windows (planning, assessment or both), none for a window
    the cycle does not have; read from the cycle row alone (no query)."""
    today_ = on or today()
    notes = []
    for name in which or WINDOWS:
        opens, closes = _bounds(cycle, name)
        state = window_state(opens, closes, today_)
        if state is None or opens is None or closes is None:
            continue
        text = _text(name, state, opens, closes, today_)
        if name == "planning" and cycle.planning_binding and state != "open":
            text += " " + _("Outside the planning window only HR adds or submits objectives.")
        notes.append(WindowNote(name, state, text))
    return notes


@bp.app_template_global()
def cycle_windows(cycle: Cycle | None, *which: str) -> list[WindowNote]:
    """For templates: `cycle_windows(cycle, "planning")`."""
    return window_notes(cycle, *which) if cycle is not None else []
