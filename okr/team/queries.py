"""A manager's team for a cycle: who has not checked in this week and each person's objectives,
loaded in a fixed number of queries whatever the team's size.

The team is a manager's active reports (direct and indirect); admins pick a department (its
subtree) or see the whole company. People are paged; "not checked in" is one grouped query over
the key results' cached last check-in, so the page never reads the check-in log.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, func, or_, select

from okr.cycles.models import Cycle
from okr.cycles.rules import checkins_open
from okr.db import local_date
from okr.domain.periods import week_start
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.objectives.queries import individual_objectives
from okr.org.models import Person
from okr.org.queries import among, department_subtree_ids, report_ids
from okr.paging import Paging, paged

MISSING_SHOWN = 100  # names listed under "not checked in"; the rest are counted


# Who is in the team -----------------------------------------------------------------------


def team_query(viewer: Person, department_id: int | None = None) -> Select[tuple[int]]:
    """Ids of the active people a viewer's team view covers.

    Managers see their reports, direct and indirect. Admins see a department and the
    departments below it, or everyone when no department is chosen.

    The tree is walked first (one recursive query) and the pages filter on the ids it found:
    PostgreSQL cannot estimate a recursive query's size (it guessed 6,448 rows for a manager of
    8 and scanned every key result and check-in of 10,000 people), but it plans a list of ids
    exactly.
    """
    stmt = select(Person.id).where(Person.active)
    if viewer.is_admin:
        if department_id is not None:
            stmt = stmt.where(among(Person.department_id, department_subtree_ids(department_id)))
        return stmt
    return stmt.where(among(Person.id, report_ids(viewer.id)))


def team_people(team: Select[tuple[int]], page: int) -> tuple[list[Person], Paging]:
    """One page of the team, by name, with their departments (three queries, even for nobody).

    The page's ids are chosen and counted on the person's id and name alone; only the page's
    people are then read whole, with their departments."""
    ids, paging = paged(
        select(Person.id).where(Person.id.in_(team)).order_by(Person.name, Person.id), page
    )
    found = db.session.scalars(
        select(Person).where(Person.id.in_(ids)).options(db.joinedload(Person.department))
    )
    by_id = {person.id: person for person in found}
    return [by_id[i] for i in ids], paging


# Not checked in this week ----------------------------------------------------------------


@dataclass(frozen=True)
class Straggler:
    """Someone who owns key results in the cycle and has not checked in since Monday."""

    id: int
    name: str
    last_checkin_at: datetime | None


@dataclass(frozen=True)
class Stragglers:
    week: date  # Monday of this week, company time
    people: list[Straggler]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.people)


def week_began(now: datetime) -> tuple[date, datetime]:
    """This week's Monday in the company's timezone, and the moment it began (UTC)."""
    monday = week_start(local_date(now))
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return monday, datetime.combine(monday, time(), tzinfo=zone).astimezone(UTC)


def not_checked_in(cycle: Cycle, team: Select[tuple[int]], now: datetime) -> Stragglers:
    """Team members owning key results in the cycle with no check-in since this week's Monday.

    One query: the key results are grouped by owner alone (no name in the grouping), the people
    are joined to the stragglers only, and the total is a window count taken before the limit."""
    monday, began = week_began(now)
    last = func.max(KeyResult.last_checkin_at)
    late = (
        select(Objective.owner_id, last.label("last"))
        .join(KeyResult, KeyResult.objective_id == Objective.id)
        .where(
            Objective.owner_id.in_(team),
            Objective.cycle_id == cycle.id,
            Objective.level == "individual",
        )
        .group_by(Objective.owner_id)
        .having(or_(last.is_(None), last < began))
        .subquery()
    )
    rows = db.session.execute(
        select(Person.id, Person.name, late.c.last, func.count().over())
        .join(late, late.c.owner_id == Person.id)
        .order_by(Person.name, Person.id)
        .limit(MISSING_SHOWN)
    ).all()
    total = rows[0][3] if rows else 0
    return Stragglers(monday, [Straggler(*row[:3]) for row in rows], total)


# Each person's objectives -----------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultLine:
    id: int
    title: str
    unit: str
    weight: Decimal
    target: Decimal | None
    current: Decimal | None
    progress: Decimal
    confidence: str | None
    last_checkin_at: datetime | None
    due_on: date | None = None  # "due in N days" / "overdue since" while not met


@dataclass(frozen=True)
class ObjectiveLine:
    id: int
    title: str
    weight: Decimal
    status: str
    progress: Decimal | None
    confidence: str | None
    aligned: bool
    key_results: tuple[KeyResultLine, ...]


@dataclass(frozen=True)
class Member:
    """A team member with their individual objectives in the cycle."""

    id: int
    name: str
    position: str
    department: str
    objectives: tuple[ObjectiveLine, ...]

    @property
    def last_checkin_at(self) -> datetime | None:
        moments = [kr.last_checkin_at for o in self.objectives for kr in o.key_results]
        return max((m for m in moments if m is not None), default=None)


@dataclass(frozen=True)
class TeamPage:
    members: list[Member]
    paging: Paging
    stragglers: Stragglers | None  # None while check-ins are closed for the cycle


def _objective_line(objective: Objective) -> ObjectiveLine:
    return ObjectiveLine(
        id=objective.id,
        title=objective.title,
        weight=objective.weight,
        status=objective.status,
        progress=objective.progress,
        confidence=objective.confidence,
        aligned=objective.parent_id is not None,
        key_results=tuple(
            KeyResultLine(
                kr.id,
                kr.title,
                kr.unit,
                kr.weight,
                kr.target,
                kr.current,
                kr.progress,
                kr.confidence,
                kr.last_checkin_at,
                kr.due_on,
            )
            for kr in objective.key_results
        ),
    )


def team_page(
    viewer: Person, cycle: Cycle, *, department_id: int | None, page: int, now: datetime
) -> TeamPage:
    """The team view: one page of people with their objectives, and who has not checked in."""
    team = team_query(viewer, department_id)
    people, paging = team_people(team, page)
    objectives: dict[int, list[ObjectiveLine]] = defaultdict(list)
    if people:
        rows = db.session.scalars(
            individual_objectives(cycle.id, [p.id for p in people]).options(
                db.selectinload(Objective.key_results)
            )
        )
        for objective in rows:  # each person's in their set's order
            objectives[objective.owner_id].append(_objective_line(objective))
    members = [
        Member(p.id, p.name, p.position, p.department.name, tuple(objectives[p.id])) for p in people
    ]
    stragglers = not_checked_in(cycle, team, now) if checkins_open(cycle) else None
    return TeamPage(members, paging, stragglers)
