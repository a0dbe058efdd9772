"""The company's reminder calendar as plain values, and the moments it gives in a week.

Weeks are the app's weeks (Monday to Sunday, okr.team.queries.week_began); a reminder's moment
is a weekday and a time of that week in the company's timezone. A notice planned inside the
quiet hours waits for their end (its `not_before`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from okr.extensions import db
from okr.reminders.models import FIELDS, ReminderCalendar

# The kinds HR can turn on or off (all on until HR says otherwise).
KIND_LABELS = {
    "checkin_due": _l("Weekly check-in due"),
    "checkin_nudge": _l("Second check-in nudge"),
    "manager_digest": _l("Manager's weekly digest"),
    "review_due": _l("Review stage due"),
    "review_overdue": _l("Review stage overdue"),
    "review_escalated": _l("Review stage overdue, to the manager"),
    "hr_stage_digest": _l("HR's review-stage digest"),
    "department_stage_digest": _l("Department's review-stage digest"),
    "plan_follow_up": _l("Improvement plan follow-up"),
    "flag_to_hr": _l("Consecutive low results, to HR"),
    "planning_closes_soon": _l("Planning closes soon"),
    "assessment_closes_soon": _l("Assessment closes soon"),
}


@dataclass(frozen=True)
class Calendar:
    """When reminders go out. The nudge defaults to Sunday 10:00: it must fall in the same app
    week as the due reminder (Monday to Sunday), so "still missing" means the week the 周报 shows;
    a Monday nudge would already be the next week, where nobody has checked in yet."""

    timezone: str
    due_weekday: int = 4
    due_time: time = time(16, 0)
    nudge_weekday: int = 6
    nudge_time: time = time(10, 0)
    digest_weekday: int = 4
    digest_time: time = time(18, 0)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 30)
    review_due_days: int = 3  # a review stage is "due" from this many days before its deadline
    escalate_days: int = 2  # and goes to the owner's manager this many days after it
    ack_days: int = 7  # a released result is to be acknowledged within this many days
    kinds: tuple[str, ...] = field(default=tuple(KIND_LABELS))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def on(self, kind: str) -> bool:
        return kind in self.kinds

    def at(self, monday: date, weekday: int, moment: time) -> datetime:
        """The UTC moment of a weekday and time of the week that begins on `monday`."""
        local = datetime.combine(monday + timedelta(days=weekday), moment, tzinfo=self.zone)
        return local.astimezone(UTC)

    def quiet_until(self, moment: datetime) -> datetime | None:
        """The end of the quiet hours `moment` falls in (UTC), or None outside them."""
        local = moment.astimezone(self.zone)
        start, end, now = self.quiet_start, self.quiet_end, local.time()
        if start == end:
            return None
        overnight = start > end
        quiet = (now >= start or now < end) if overnight else start <= now < end
        if not quiet:
            return None
        day = local.date() + timedelta(days=1) if overnight and now >= start else local.date()
        return datetime.combine(day, end, tzinfo=self.zone).astimezone(UTC)


def default_calendar() -> Calendar:
    return Calendar(timezone=current_app.config["TIMEZONE"])


def load_calendar() -> Calendar:
    """The saved calendar, or the defaults until HR saves one (one query)."""
    row = db.session.scalar(select(ReminderCalendar).limit(1))
    if row is None:
        return default_calendar()
    values = row.values()
    return Calendar(**{**values, "kinds": tuple(values["kinds"] or ())})


def save_calendar(calendar: Calendar) -> None:
    """Store the company's calendar (the one row), flushed."""
    row = db.session.scalar(select(ReminderCalendar).limit(1))
    if row is None:
        row = ReminderCalendar()
        db.session.add(row)
    for name in FIELDS:
        value = getattr(calendar, name)
        setattr(row, name, list(value) if name == "kinds" else value)
    db.session.flush()
