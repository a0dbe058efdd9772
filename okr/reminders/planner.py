"""The planner: what is due at a moment, for whom, posted to the outbox (never sent from here).

`plan(now)` runs one set-based query per kind whatever the company's size; a dry run (HR's page)
plans the same and posts nothing. Keys make a second run in the same week post nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from okr.cycles.services import current_cycle
from okr.db import local_date
from okr.notify.delivery_job import deliver_when_due
from okr.notify.outbox import post
from okr.reminders.calendar import load_calendar
from okr.reminders.checkins import (
    CHECKIN_DUE,
    CHECKIN_NUDGE,
    checkin_notices,
    checkin_round,
    stragglers,
)
from okr.reminders.common import Planned, Week
from okr.reminders.digest import MANAGER_DIGEST, digest_notices
from okr.reminders.followups import FLAG, PLAN_FOLLOW_UP, flag_notices, follow_up_notices
from okr.reminders.hr_digest import hr_digest_notices
from okr.reminders.reviews import owed_now, stage_notices
from okr.reminders.windows import window_notices
from okr.team.queries import week_began


@dataclass
class Summary:
    """What a planning run found per kind, and how many of those notices were new."""

    now: datetime
    planned: dict[str, list[Planned]] = field(default_factory=dict)
    posted: dict[str, int] = field(default_factory=dict)

    @property
    def new(self) -> dict[str, int]:
        """The kinds that posted something, with how many."""
        return {kind: count for kind, count in self.posted.items() if count}

    def lines(self) -> list[str]:
        return [
            f"{kind}: {len(found)} due, {self.posted.get(kind, 0)} posted"
            for kind, found in self.planned.items()
        ]


def _week(now: datetime) -> Week:
    monday, began = week_began(now)
    return Week(now, monday, began, load_calendar())


def planned(now: datetime) -> dict[str, list[Planned]]:
    """Every notice due at `now`, per kind (nothing posted)."""
    week = _week(now)
    calendar, owed = week.calendar, owed_now(week)
    found = {
        **_weekly(week),
        **stage_notices(week, owed, week.calendar.on),
        **hr_digest_notices(week, owed),
        PLAN_FOLLOW_UP: follow_up_notices(week) if calendar.on(PLAN_FOLLOW_UP) else [],
        FLAG: flag_notices(week) if calendar.on(FLAG) else [],
        **window_notices(week, calendar.on),
    }
    return {kind: notices for kind, notices in found.items() if calendar.on(kind) and notices}


def _weekly(week: Week) -> dict[str, list[Planned]]:
    """The weekly check-in reminders and the manager's digest, once their time has come."""
    found: dict[str, list[Planned]] = {}
    calendar = week.calendar
    cycle = current_cycle(local_date(week.now))
    if cycle is None or cycle.status != "running":
        return found
    round_ = checkin_round(cycle, week)
    due = calendar.on(CHECKIN_DUE) and week.now >= round_.due_at
    nudge = calendar.on(CHECKIN_NUDGE) and week.now >= round_.nudge_at
    digest = calendar.on(MANAGER_DIGEST) and week.reached(
        calendar.digest_weekday, calendar.digest_time
    )
    missing = stragglers(cycle, round_.began) if due or nudge or digest else []
    if nudge:  # after the nudge's time, the first reminder would only repeat it
        found[CHECKIN_NUDGE] = checkin_notices(CHECKIN_NUDGE, cycle, week, round_, missing)
    elif due:
        found[CHECKIN_DUE] = checkin_notices(CHECKIN_DUE, cycle, week, round_, missing)
    if digest:
        found[MANAGER_DIGEST] = digest_notices(cycle, week, missing, round_.weekly)
    return found


def plan(now: datetime) -> Summary:
    """Post every notice due at `now` whose key is new (flushed; the caller commits)."""
    summary = Summary(now, planned(now))
    for kind, found in summary.planned.items():
        summary.posted[kind] = post(p.post for p in found)
    return summary


def after_planning(now: datetime) -> None:
    """Ask delivery to send what is due: what this planning queued, what waited for the end of
    quiet hours, what is due another attempt (delivery runs one job at a time)."""
    deliver_when_due(now)
