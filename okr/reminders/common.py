"""What every planned kind shares: the week being planned, a notice with its recipient's name,
the recipient's language, and app paths built without a request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from flask import current_app
from flask_babel import force_locale, get_locale

from okr.notify.outbox import Post
from okr.reminders.calendar import Calendar

Row = TypeVar("Row")


@dataclass(frozen=True)
class Week:
    """The moment planned for, the app week it falls in and the company's calendar."""

    now: datetime
    monday: date
    began: datetime  # UTC
    calendar: Calendar

    @property
    def label(self) -> str:
        """The ISO week ('2026-W48'): a notice key's week, so a week's reminder is sent once."""
        year, week, _day = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def today(self) -> date:
        """The calendar day in the company's timezone."""
        return self.now.astimezone(self.calendar.zone).date()

    def reached(self, weekday: int, moment: Any) -> bool:
        return self.now >= self.calendar.at(self.monday, weekday, moment)

    @property
    def not_before(self) -> datetime | None:
        return self.calendar.quiet_until(self.now)


@dataclass(frozen=True)
class Planned:
    """A notice the planner would post, with its recipient's name (for HR's dry run)."""

    post: Post
    recipient: str


def app_path(endpoint: str, **values: Any) -> str:
    """The path of a page in the app (no request needed: planning runs in jobs and commands)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def language_of(locale: str | None) -> str:
    """A person's language, else the company's default."""
    return locale or current_app.config["DEFAULT_LOCALE"]


def name_list(names: Iterable[str]) -> str:
    """Names joined as the current language writes a list (王芳、张伟; Wang Fang, Zhang Wei)."""
    locale = get_locale()
    return ("、" if locale is not None and locale.language == "zh" else ", ").join(names)


@contextmanager
def speaking(locale: str | None) -> Iterator[None]:
    with force_locale(language_of(locale)):
        yield


def by_language(rows: Iterable[Row], locale_of: Any) -> Iterator[tuple[str, list[Row]]]:
    """Rows grouped by their recipient's language, each group inside that language."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[language_of(locale_of(row))].append(row)
    for language, members in sorted(groups.items()):
        with force_locale(language):
            yield language, members
