"""The demo's calendar: everything it writes is dated in the past of the moment it is loaded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from okr.db import dated
from okr.extensions import db


@dataclass(frozen=True)
class Story:
    """`now` is when the demo is loaded; days and hours are the company's local time."""

    now: datetime
    zone: ZoneInfo

    @classmethod
    def at_moment(cls, now: datetime) -> Story:
        if now.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one")
        return cls(now.astimezone(UTC), ZoneInfo(current_app.config["TIMEZONE"]))

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A local time on a day, in UTC (may be after now)."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A local time on a day, or now when that time is still to come."""
        return min(self.local(day, hour, minute), self.now)

    def later(self, moment: datetime, *, hours: float) -> datetime:
        """Some hours after a moment, but never after now."""
        return min(moment + timedelta(hours=hours), self.now)

    @contextmanager
    def on(self, moment: datetime) -> Iterator[None]:
        """Write the block's records as of `moment` (flushed inside, so defaults see it)."""
        with dated(min(moment, self.now)):
            yield
            db.session.flush()
