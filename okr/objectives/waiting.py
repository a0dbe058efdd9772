"""The OKR sets waiting for a viewer's approval (the home page's list), in four statements
built once per kind of viewer (building them cost more CPU than running them)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, any_, bindparam, func, select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.objectives.models import Objective
from okr.org.models import Department, Person
from okr.org.queries import report_ids


@dataclass(frozen=True)
class WaitingSet:
    """An OKR set submitted for approval: whose (a person or a department), which cycle, how many."""

    cycle: Cycle
    count: int
    person: Person | None = None
    department: Department | None = None


WAITING_SHOWN = 20  # the oldest sets; the rest follow as these are decided


@dataclass(frozen=True)
class Waiting:
    """The sets waiting for a viewer: the first WAITING_SHOWN, and how many wait in all."""

    shown: list[WaitingSet]
    sets: int
    objectives: int

    @property
    def more(self) -> int:
        return self.sets - len(self.shown)


def approvals_waiting(viewer: Person, reports: set[int] | None = None) -> Waiting:
    """Sets this viewer may approve that wait, in every cycle not closed (four queries, whatever
    their number): the oldest cycle's first, people's before departments', by name.

    Managers approve their reporting line's individual OKRs (`reports`: their ids, when the
    caller has them already), department heads the departments below theirs; HR approves any
    set. Nobody approves their own.
    """
    if reports is None and not viewer.is_admin:
        reports = report_ids(viewer.id)
    statements = _statements(viewer.is_admin, db.session.get_bind().dialect.name)
    params = {"viewer_id": viewer.id, "reports": sorted(reports or ())}
    sets = objectives = 0
    for counted in statements.counts:
        count, total = db.session.execute(counted, params).one()
        sets, objectives = sets + count, objectives + int(total)
    shown = [
        WaitingSet(cycle, count, person=p)
        for p, cycle, count in db.session.execute(statements.people, params)
    ]
    shown += [
        WaitingSet(cycle, count, department=d)
        for d, cycle, count in db.session.execute(statements.departments, params)
    ]
    shown.sort(
        key=lambda w: (
            w.cycle.start,
            w.person is None,
            w.person.name if w.person else w.department.name if w.department else "",
        )
    )
    return Waiting(shown[:WAITING_SHOWN], sets, objectives)


@dataclass(frozen=True)
class _Statements:
    counts: tuple[Select[Any], Select[Any]]  # sets and objectives, of people and departments
    people: Select[tuple[Person, Cycle, int]]  # the first WAITING_SHOWN of each
    departments: Select[tuple[Department, Cycle, int]]


@cache
def _statements(admin: bool, dialect: str) -> _Statements:
    """For HR or for anyone else (:viewer_id, whose reports are :reports), on this database."""
    people, departments = _people_waiting(admin, dialect), _departments_waiting(admin)
    counts = tuple(
        select(func.count(), func.coalesce(func.sum(found.c.objectives), 0)).select_from(found)
        for found in (people.subquery(), departments.subquery())
    )
    return _Statements(
        (counts[0], counts[1]),
        people.order_by(Cycle.start, Person.name, Person.id).limit(WAITING_SHOWN),
        departments.order_by(Cycle.start, Department.name, Department.id).limit(WAITING_SHOWN),
    )


def _people_waiting(admin: bool, dialect: str) -> Select[tuple[Person, Cycle, int]]:
    """Individual sets submitted in open cycles, per person and cycle, that the viewer may approve."""
    people = (
        select(Person, Cycle, func.count(Objective.id).label("objectives"))
        .join(Objective, Objective.owner_id == Person.id)
        .join(Cycle, Cycle.id == Objective.cycle_id)
        .where(
            Cycle.status != "closed",
            Objective.level == "individual",
            Objective.status == "submitted",
            Person.id != bindparam("viewer_id"),
        )
        .group_by(Person.id, Cycle.id)
    )
    return people if admin else people.where(_among_reports(Person.id, dialect))


def _among_reports(column: ColumnElement[int], dialect: str) -> ColumnElement[bool]:
    """`column IN :reports`, as one array on PostgreSQL (a head has thousands: see
    okr.org.queries.among)."""
    if dialect == "postgresql":
        return column == any_(bindparam("reports", type_=ARRAY(Integer)))
    return column.in_(bindparam("reports", expanding=True))


def _departments_waiting(admin: bool) -> Select[tuple[Department, Cycle, int]]:
    """Department sets submitted in open cycles, per department and cycle, the viewer may approve."""
    departments = (
        select(Department, Cycle, func.count(Objective.id).label("objectives"))
        .join(Objective, Objective.department_id == Department.id)
        .join(Cycle, Cycle.id == Objective.cycle_id)
        .where(
            Cycle.status != "closed",
            Objective.level == "department",
            Objective.status == "submitted",
        )
        .group_by(Department.id, Cycle.id)
    )
    return departments if admin else departments.where(Department.id.in_(_departments_below()))


def _departments_below() -> Select[tuple[int]]:
    """Departments under those :viewer_id heads (not the headed ones: a head does not approve
    their own)."""
    headed = select(Department.id).where(Department.head_id == bindparam("viewer_id"))
    below = (
        select(Department.id).where(Department.parent_id.in_(headed)).cte("below", recursive=True)
    )
    below = below.union(select(Department.id).join(below, Department.parent_id == below.c.id))
    return select(below.c.id)
