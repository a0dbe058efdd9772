"""Page loaders: each page's objectives with what it shows, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.objectives.approval import set_query
from okr.objectives.models import Objective
from okr.org.models import Department, Person


def load_set(
    cycle: Cycle, level: str, *, owner_id: int | None = None, department_id: int | None = None
) -> list[Objective]:
    """One owner's objectives with key results, parents and owners (three queries)."""
    stmt = set_query(cycle, level, owner_id=owner_id, department_id=department_id).options(
        db.selectinload(Objective.key_results),
        db.joinedload(Objective.parent),
        db.joinedload(Objective.owner),
    )
    return list(db.session.scalars(stmt).unique())


def children_counts(objective_ids: list[int]) -> dict[int, int]:
    """How many objectives align to each of these."""
    if not objective_ids:
        return {}
    rows = db.session.execute(
        select(Objective.parent_id, func.count())
        .where(Objective.parent_id.in_(objective_ids))
        .group_by(Objective.parent_id)
    )
    return dict(rows.all())


def waiting_for(viewer: Person, cycle: Cycle) -> list[tuple[Person, int]]:
    """People whose submitted OKRs this viewer may approve, with how many objectives wait."""
    from okr.org.queries import report_ids_query

    stmt = (
        select(Person, func.count(Objective.id))
        .join(Objective, Objective.owner_id == Person.id)
        .where(
            Objective.cycle_id == cycle.id,
            Objective.level == "individual",
            Objective.status == "submitted",
        )
        .group_by(Person.id)
        .order_by(Person.name)
    )
    if not viewer.is_admin:
        stmt = stmt.where(Person.id.in_(report_ids_query(viewer.id)))
    return [(person, count) for person, count in db.session.execute(stmt)]


@dataclass(frozen=True)
class WaitingSet:
    """An OKR set submitted for approval: whose (a person or a department), which cycle, how many."""

    cycle: Cycle
    count: int
    person: Person | None = None
    department: Department | None = None


def approvals_waiting(viewer: Person) -> list[WaitingSet]:
    """Sets this viewer may approve that wait, in every cycle not closed (two queries).

    Managers approve their reporting line's individual OKRs, department heads the departments
    below theirs; HR approves any set. Nobody approves their own.
    """
    open_cycle = Cycle.status != "closed"
    people = (
        select(Person, Cycle, func.count(Objective.id))
        .join(Objective, Objective.owner_id == Person.id)
        .join(Cycle, Cycle.id == Objective.cycle_id)
        .where(
            open_cycle,
            Objective.level == "individual",
            Objective.status == "submitted",
            Person.id != viewer.id,
        )
        .group_by(Person.id, Cycle.id)
    )
    departments = (
        select(Department, Cycle, func.count(Objective.id))
        .join(Objective, Objective.department_id == Department.id)
        .join(Cycle, Cycle.id == Objective.cycle_id)
        .where(open_cycle, Objective.level == "department", Objective.status == "submitted")
        .group_by(Department.id, Cycle.id)
    )
    if not viewer.is_admin:
        from okr.org.queries import report_ids_query

        people = people.where(Person.id.in_(report_ids_query(viewer.id)))
        departments = departments.where(Department.id.in_(_departments_below(viewer.id)))
    found = [WaitingSet(cycle, count, person=p) for p, cycle, count in db.session.execute(people)]
    found += [
        WaitingSet(cycle, count, department=d)
        for d, cycle, count in db.session.execute(departments)
    ]
    return sorted(
        found,
        key=lambda w: (
            w.cycle.start,
            w.person is None,
            w.person.name if w.person else w.department.name if w.department else "",
        ),
    )


def _departments_below(head_id: int) -> Select[tuple[int]]:
    """Departments under those this person heads (not the headed ones: a head does not approve their own)."""
    below = (
        select(Department.id)
        .where(Department.parent_id.in_(select(Department.id).where(Department.head_id == head_id)))
        .cte("below", recursive=True)
    )
    below = below.union(select(Department.id).join(below, Department.parent_id == below.c.id))
    return select(below.c.id)
