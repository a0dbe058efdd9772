"""Check-in cadences: how often people report progress in a cycle, and the period a day is in.

* ``weekly``: the ISO week, Monday to Sunday (label ``2026-W49``), as the 周报 counts them;
* ``dekad``: three times a month, seed 002's 上旬 / 中旬 / 下旬: the 1st–10th, the 11th–20th,
  and the 21st to the month's last day (labels ``2026-12-D1`` … ``2026-12-D3``);
* ``monthly``: the calendar month (label ``2026-12``).

Periods are closed date ranges (``end`` included). A check-in anywhere in a period counts for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from okr.domain.periods import week_start


class Cadence(StrEnum):
    WEEKLY = "weekly"
    DEKAD = "dekad"
    MONTHLY = "monthly"


def _month_end(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True)
class CheckinPeriod:
    cadence: Cadence
    start: date
    end: date

    @property
    def label(self) -> str:
        """The period's key: a reminder keyed by it is sent once per period."""
        if self.cadence is Cadence.WEEKLY:
            year, week, _day = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        month = f"{self.start.year}-{self.start.month:02d}"
        if self.cadence is Cadence.MONTHLY:
            return month
        return f"{month}-D{min((self.start.day - 1) // 10 + 1, 3)}"


def checkin_period(cadence: Cadence | str, day: date) -> CheckinPeriod:
    """The check-in period of the cadence that holds the day."""
    cadence = Cadence(cadence)
    if cadence is Cadence.WEEKLY:
        monday = week_start(day)
        return CheckinPeriod(cadence, monday, monday + timedelta(days=6))
    if cadence is Cadence.MONTHLY:
        return CheckinPeriod(cadence, day.replace(day=1), _month_end(day))
    if day.day <= 10:
        return CheckinPeriod(cadence, day.replace(day=1), day.replace(day=10))
    if day.day <= 20:
        return CheckinPeriod(cadence, day.replace(day=11), day.replace(day=20))
    return CheckinPeriod(cadence, day.replace(day=21), _month_end(day))
