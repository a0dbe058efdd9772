"""The company's reminder calendar: one row of settings (HR's page), defaults until saved."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from okr.db import UTCDateTime, utcnow
from okr.extensions import db


class ReminderCalendar(db.Model):
    """When reminders go out, in the company's timezone; weekdays count from Monday (0)."""

    __tablename__ = "reminder_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    due_weekday: Mapped[int] = mapped_column(Integer)
    due_time: Mapped[time] = mapped_column(Time)
    nudge_weekday: Mapped[int] = mapped_column(Integer)
    nudge_time: Mapped[time] = mapped_column(Time)
    digest_weekday: Mapped[int] = mapped_column(Integer)
    digest_time: Mapped[time] = mapped_column(Time)
    quiet_start: Mapped[time] = mapped_column(Time)
    quiet_end: Mapped[time] = mapped_column(Time)
    review_due_days: Mapped[int] = mapped_column(Integer)
    escalate_days: Mapped[int] = mapped_column(Integer)
    ack_days: Mapped[int] = mapped_column(Integer)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # the kinds that are on
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


FIELDS = (
    "timezone",
    "due_weekday",
    "due_time",
    "nudge_weekday",
    "nudge_time",
    "digest_weekday",
    "digest_time",
    "quiet_start",
    "quiet_end",
    "review_due_days",
    "escalate_days",
    "ack_days",
    "kinds",
)
