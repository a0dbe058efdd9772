"""Goals with several targets (seed 002: 数量目标、质量目标、时限目标) and due dates.

* A key result may say what it measures of its objective: quantity, quality or time (an
  aspect), or nothing (untagged).
* A time key result has a due date, and it is scored from the value standing on that date:
  the value of the last check-in recorded on or before it (company timezone), the due date
  itself included. A check-in recorded later does not make a late goal on time. A correction
  counts for the day of the check-in it corrects (as it counts for that check-in's week), so a
  wrong value recorded before the due date and corrected after it is read as corrected.
* A key result not yet met shows "due in N days" or "overdue since" its due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Aspect(StrEnum):
    QUANTITY = "quantity"
    QUALITY = "quality"
    TIME = "time"


REQUIRED_ASPECTS = (Aspect.QUANTITY, Aspect.QUALITY, Aspect.TIME)


@dataclass(frozen=True)
class LogEntry:
    """One check-in of a key result's log as the due-date rule reads it."""

    id: int
    day: date  # the local day it was recorded
    value: Decimal
    corrects_id: int | None = None


@dataclass(frozen=True)
class Standing:
    """The check-in standing on a due date: its id, the day it counts for and its value."""

    id: int
    day: date
    value: Decimal


def standing_on(log: Iterable[LogEntry], due_on: date) -> Standing | None:
    """The check-in whose value stands on `due_on` (None: nothing was recorded by then).

    Replayed in the order recorded (id): a correction counts for the day of what it corrects
    and supersedes it; of the check-ins not superseded, the last one counting on or before the
    due date stands.
    """
    counts_for: dict[int, date] = {}
    standing: dict[int, LogEntry] = {}
    for entry in sorted(log, key=lambda e: e.id):
        day = counts_for.get(entry.corrects_id, entry.day) if entry.corrects_id else entry.day
        counts_for[entry.id] = day
        if entry.corrects_id is not None:
            standing.pop(entry.corrects_id, None)
        standing[entry.id] = entry
    found = [e for e in standing.values() if counts_for[e.id] <= due_on]
    if not found:
        return None
    last = max(found, key=lambda e: e.id)
    return Standing(last.id, counts_for[last.id], last.value)


def missing_aspects(aspects: Iterable[str | None]) -> tuple[Aspect, ...]:
    """The aspects of seed 002's rule (quantity, quality, time) that none of these key results has."""
    present = set(aspects)
    return tuple(a for a in REQUIRED_ASPECTS if a.value not in present)


def days_until(due_on: date, today: date) -> int:
    """Days from today to the due date: positive ahead, 0 on the day, negative once overdue."""
    return (due_on - today).days
