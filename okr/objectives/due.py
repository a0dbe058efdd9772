"""Due dates of objectives and key results, and the value standing on a key result's due date.

The rule is okr.domain.due_dates; this module keeps `KeyResult.due_value` (what a time key
result is scored from) as each check-in comes in, and replays the log when
a due date changes, so the cached figure always equals a replay of the check-in log.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.domain.due_dates import Aspect, LogEntry, days_until, standing_on
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult

ASPECTS = tuple(a.value for a in Aspect)


def due_after(kr: Any, day: date, value: Decimal, corrects_id: int | None = None) -> Decimal | None:
    """The value standing on the key result's due date once this check-in (not yet stored) is in.

    A new check-in stands if recorded on or before the due date, else the standing one stays; a
    correction counts for the day of what it corrects, so the log is replayed with it (one
    query, on a correction only).
    """
    if kr.due_on is None:
        return None
    if corrects_id is None:
        return value if day <= kr.due_on else kr.due_value
    log = log_entries(kr.id)
    newest = max((entry.id for entry in log), default=0) + 1
    found = standing_on([*log, LogEntry(newest, day, value, corrects_id)], kr.due_on)
    return found.value if found else None


def log_entries(kr_id: int) -> list[LogEntry]:
    """A key result's whole check-in log as the due-date rule reads it (oldest first)."""
    rows = db.session.execute(
        select(CheckIn.id, CheckIn.created_at, CheckIn.value, CheckIn.corrects_id)
        .where(CheckIn.key_result_id == kr_id)
        .order_by(CheckIn.id)
    )
    return [LogEntry(r.id, local_date(r.created_at), r.value, r.corrects_id) for r in rows]


def replay_due(kr: KeyResult) -> None:
    """Set the value standing on the key result's due date from its log (after the date moved)."""
    found = standing_on(log_entries(kr.id), kr.due_on) if kr.due_on and kr.id else None
    kr.due_value = found.value if found else None


def check_kr_dates(
    aspect: str | None,
    due_on: date | None,
    cycle: Cycle | None,
    objective_due: date | None,
    *,
    dated: bool = True,
) -> None:
    """An aspect is quantity, quality, time or none; a time key result needs a due date; a due
    date lies within the cycle and not after its objective's."""
    if aspect not in (None, *ASPECTS):
        raise Invalid({"aspect": _("Choose quantity, quality or time, or leave it untagged.")})
    if aspect == Aspect.TIME and due_on is None and dated:
        raise Invalid({"due_on": _("A time target needs a due date.")})
    if due_on is None:
        return
    if cycle is not None:
        check_in_cycle(due_on, cycle, "due_on")
    if objective_due is not None and due_on > objective_due:
        raise Invalid(
            {
                "due_on": _(
                    "The objective is due on %(day)s: a key result cannot be due after it.",
                    day=objective_due.isoformat(),
                )
            }
        )


def check_in_cycle(day: date, cycle: Cycle, field: str) -> None:
    """A due date lies within its cycle's dates."""
    if not cycle.start <= day <= cycle.end:
        raise Invalid(
            {
                field: _(
                    "Choose a day within the cycle (%(start)s to %(end)s).",
                    start=cycle.start.isoformat(),
                    end=cycle.end.isoformat(),
                )
            }
        )


def check_objective_due(due_on: date | None, cycle: Cycle, key_results: list[KeyResult]) -> None:
    """An objective's due date lies within its cycle and on or after each key result's."""
    if due_on is None:
        return
    check_in_cycle(due_on, cycle, "due_on")
    later = [kr for kr in key_results if kr.due_on is not None and kr.due_on > due_on]
    if later:
        raise Invalid(
            {
                "due_on": _(
                    "“%(title)s” is due on %(day)s, after this date: move it first.",
                    title=later[0].title,
                    day=later[0].due_on.isoformat(),
                )
            }
        )


def due_note(due_on: date | None, progress: Decimal | None, today: date | None = None) -> str:
    """ "due in N days" / "due today" / "overdue since …" for a key result not yet met (progress
    below 100 %); empty when it has no due date or is met. Read from the row: no query."""
    if due_on is None or (progress is not None and progress >= 1):
        return ""
    days = days_until(due_on, today or local_date(utcnow()))
    if days > 0:
        return ngettext("due in %(num)d day", "due in %(num)d days", days)
    if days == 0:
        return _("due today")
    return _("overdue since %(day)s", day=format_date(due_on, "medium"))
