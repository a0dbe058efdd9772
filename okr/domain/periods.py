"""Cycle arithmetic: months, quarters, half-years and years, and ISO weeks inside them.

* Periods are closed date ranges ``start .. end`` (``end`` inclusive) aligned to calendar
  months; labels are ``2026-11``, ``2026 Q4``, ``2026 H2`` and ``2026``.
* Weeks start on Monday (ISO 8601); the weeks of a period are the ISO weeks that touch it,
  clipped to the period (so a quarter starting on a Wednesday begins with a 5-day week).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from okr.domain.errors import InvalidPeriod


class CycleKind(StrEnum):
    """How long an assessment cycle is."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


MONTHS_IN = {CycleKind.MONTH: 1, CycleKind.QUARTER: 3, CycleKind.HALF_YEAR: 6, CycleKind.YEAR: 12}


def _month_start(year: int, month: int) -> date:
    # month may run past 12 or below 1: carry into the year.
    year, index = divmod(year * 12 + month - 1, 12)
    return date(year, index + 1, 1)


@dataclass(frozen=True)
class Period:
    """A cycle's calendar span; construct with period_containing or period_from_label."""

    kind: CycleKind
    start: date
    end: date

    def __post_init__(self) -> None:
        expected = _span(self.kind, self.start)
        if (self.start, self.end) != expected:
            raise InvalidPeriod(
                "period.misaligned",
                {
                    "kind": str(self.kind),
                    "start": self.start.isoformat(),
                    "end": self.end.isoformat(),
                },
            )

    @property
    def label(self) -> str:
        """Human label: '2026-11', '2026 Q4', '2026 H2' or '2026'."""
        year, month = self.start.year, self.start.month
        if self.kind is CycleKind.MONTH:
            return f"{year}-{month:02d}"
        if self.kind is CycleKind.QUARTER:
            return f"{year} Q{(month - 1) // 3 + 1}"
        if self.kind is CycleKind.HALF_YEAR:
            return f"{year} H{(month - 1) // 6 + 1}"
        return f"{year}"

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """Whether the day falls inside the period."""
        return self.start <= day <= self.end


def _span(kind: CycleKind, day: date) -> tuple[date, date]:
    size = MONTHS_IN[CycleKind(kind)]
    first_month = (day.month - 1) // size * size + 1
    start = date(day.year, first_month, 1)
    try:
        end = _month_start(day.year, first_month + size) - timedelta(days=1)
    except (ValueError, OverflowError):
        raise InvalidPeriod("period.out_of_range", {"day": day.isoformat()}) from None
    return start, end


def period_containing(kind: CycleKind, day: date) -> Period:
    """The period of this kind that contains the day."""
    start, end = _span(kind, day)
    return Period(CycleKind(kind), start, end)


def next_period(period: Period) -> Period:
    """The period of the same kind right after this one."""
    return period_containing(period.kind, period.end + timedelta(days=1))


def previous_period(period: Period) -> Period:
    """The period of the same kind right before this one."""
    if period.start == date.min:
        raise InvalidPeriod("period.out_of_range", {"day": period.start.isoformat()})
    return period_containing(period.kind, period.start - timedelta(days=1))


_LABEL_RE = re.compile(r"(\d{4})(?:-(\d{2})| Q([1-4])| H([12]))?")


def period_from_label(label: str) -> Period:
    """Read a label made by Period.label back into a Period; other text is refused."""
    match = _LABEL_RE.fullmatch(label.strip()) if isinstance(label, str) else None
    if match is None:
        raise InvalidPeriod("period.label_invalid", {"label": str(label)})
    year = int(match.group(1))
    month, quarter, half = match.group(2), match.group(3), match.group(4)
    if year < 1:
        raise InvalidPeriod("period.label_invalid", {"label": label})
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise InvalidPeriod("period.label_invalid", {"label": label})
        return period_containing(CycleKind.MONTH, date(year, int(month), 1))
    if quarter is not None:
        return period_containing(CycleKind.QUARTER, date(year, (int(quarter) - 1) * 3 + 1, 1))
    if half is not None:
        return period_containing(CycleKind.HALF_YEAR, date(year, (int(half) - 1) * 6 + 1, 1))
    return period_containing(CycleKind.YEAR, date(year, 1, 1))


def week_start(day: date) -> date:
    """The Monday of the ISO week containing the day."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """One weekly check-in row: an ISO week clipped to a period."""

    start: date
    end: date
    iso_year: int
    iso_week: int

    @property
    def label(self) -> str:
        """ISO week label such as '2026-W01'."""
        return f"{self.iso_year}-W{self.iso_week:02d}"


def weeks_of(period: Period) -> tuple[Week, ...]:
    """ISO weeks (Monday to Sunday) touching the period, each clipped to the period."""
    weeks: list[Week] = []
    monday = week_start(period.start)
    while monday <= period.end:
        sunday = monday + timedelta(days=6)
        iso = monday.isocalendar()
        weeks.append(Week(max(monday, period.start), min(sunday, period.end), iso.year, iso.week))
        monday += timedelta(days=7)
    return tuple(weeks)
