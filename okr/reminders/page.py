"""What HR's reminders page shows: a dry run of the planner and the notices posted recently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from okr.extensions import db
from okr.notify.models import Notice
from okr.org.models import Department, Person
from okr.paging import Paging, paged
from okr.reminders.calendar import Calendar
from okr.reminders.common import Planned
from okr.reminders.planner import planned

FIRST_SHOWN = 10  # recipients listed per kind in a dry run


@dataclass(frozen=True)
class DryRun:
    at: datetime  # UTC
    kinds: list[tuple[str, int, list[Planned]]]  # kind, how many, the first recipients


@dataclass(frozen=True)
class Posted:
    notice: Notice
    recipient: str


def moment(text: str | None, calendar: Calendar) -> datetime | None:
    """A moment typed in the company's timezone (or with its own offset); None if unreadable."""
    try:
        value = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=calendar.zone)
    return value.astimezone(UTC)


def dry_run(at: datetime) -> DryRun:
    """What the planner would post at `at`, posting nothing."""
    found = planned(at)
    return DryRun(at, [(kind, len(p), p[:FIRST_SHOWN]) for kind, p in found.items()])


def recent(page: int) -> tuple[list[Posted], Paging]:
    """One page of the notices posted, newest first, with their recipients' names (four queries)."""
    notices, paging = paged(select(Notice).order_by(Notice.id.desc()), page)
    people = {n.person_id for n in notices if n.person_id is not None}
    departments = {n.department_id for n in notices if n.department_id is not None}
    names = {
        ("p", i): name
        for i, name in db.session.execute(
            select(Person.id, Person.name).where(Person.id.in_(people))
        )
    }
    names |= {
        ("d", i): name
        for i, name in db.session.execute(
            select(Department.id, Department.name).where(Department.id.in_(departments))
        )
    }
    shown = [
        Posted(n, names.get(("p", n.person_id) if n.person_id else ("d", n.department_id), ""))
        for n in notices
    ]
    return shown, paging
