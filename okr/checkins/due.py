"""Whether a key result waits for this period's check-in, by its cycle's cadence."""

from __future__ import annotations

from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.domain.cadence import CheckinPeriod, checkin_period
from okr.objectives.models import KeyResult


def this_period(cycle: Cycle) -> CheckinPeriod:
    """The cycle's check-in period holding today in the company's timezone (this week for a
    weekly cadence, this 旬 or this month for the others: okr.domain.cadence)."""
    return checkin_period(cycle.checkin_cadence, local_date(utcnow()))


def due(kr: KeyResult, cycle: Cycle) -> bool:
    """Not checked in since the cycle's check-in period began (this week's Monday, weekly)."""
    began = this_period(cycle).start
    return kr.last_checkin_at is None or local_date(kr.last_checkin_at) < began
