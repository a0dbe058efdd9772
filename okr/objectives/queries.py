"""Reads: whose objectives form a set, what an objective may align to, and the page loaders
(each page's objectives with what it shows, in a fixed number of queries)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.objectives.models import Objective
from okr.org.models import Person
from okr.org.queries import department_ancestor_ids, report_ids_query

Owners = int | Iterable[int] | Select[tuple[int]]
"""One person's id, or several people's as a list or a subquery."""


def individual_of(cycle_id: int, owners: Owners) -> ColumnElement[bool]:
    """The filter for a person's individual objectives in a cycle (or several people's)."""
    owner = (
        Objective.owner_id == owners if isinstance(owners, int) else Objective.owner_id.in_(owners)
    )
    return and_(Objective.cycle_id == cycle_id, Objective.level == "individual", owner)


def individual_objectives(cycle_id: int, owners: Owners) -> Select[tuple[Objective]]:
    """A person's individual objectives in a cycle (or several people's), in their set's order.

    Callers add what they load with them (key results ...) and may narrow it further.
    """
    return (
        select(Objective)
        .where(individual_of(cycle_id, owners))
        .order_by(Objective.position, Objective.id)
    )


def set_query(
    cycle: Cycle, level: str, *, owner_id: int | None = None, department_id: int | None = None
) -> Select[tuple[Objective]]:
    """The objectives forming one weighted set: a person's, a department's or the company's."""
    if level == "individual":
        return individual_objectives(cycle.id, [] if owner_id is None else owner_id)
    stmt = select(Objective).where(Objective.cycle_id == cycle.id, Objective.level == level)
    if level == "department":
        stmt = stmt.where(Objective.department_id == department_id)
    return stmt.order_by(Objective.position, Objective.id)


def allowed_parents(cycle: Cycle, level: str, department_id: int | None) -> list[Objective]:
    """Objectives one level up that an objective may align to: the superior's must exist first."""
    if level == "company" or department_id is None:
        return []
    ancestors = department_ancestor_ids(department_id)
    stmt = select(Objective).where(Objective.cycle_id == cycle.id)
    if level == "individual":
        stmt = stmt.where(
            (Objective.level == "company")
            | (
                (Objective.level == "department")
                & Objective.department_id.in_([department_id, *ancestors])
            )
        )
    else:
        stmt = stmt.where(
            (Objective.level == "company")
            | ((Objective.level == "department") & Objective.department_id.in_(ancestors))
        )
    return list(db.session.scalars(stmt.order_by(Objective.level, Objective.title)))


def load_set(
    cycle: Cycle, level: str, *, owner_id: int | None = None, department_id: int | None = None
) -> list[Objective]:
    """One owner's objectives with key results, parents and owners (three queries)."""
    if level == "individual" and owner_id is None:
        return []
    params = {"cycle_id": cycle.id, "owner_id": owner_id, "department_id": department_id}
    return list(db.session.scalars(_set_loader(level), params).unique())


def children_counts(objective_ids: list[int]) -> dict[int, int]:
    """How many objectives align to each of these."""
    if not objective_ids:
        return {}
    return dict(db.session.execute(_children_counted(), {"ids": objective_ids}).all())


def waiting_for(viewer: Person, cycle: Cycle) -> list[tuple[Person, int]]:
    """People whose submitted OKRs this viewer may approve, with how many objectives wait."""
    params = {"cycle_id": cycle.id, "viewer_id": viewer.id}
    return [(p, count) for p, count in db.session.execute(_waiting(viewer.is_admin), params)]


# The OKR pages' statements, built once per shape (building one costs more CPU than the
# database spends running it); their values are bound parameters.


@cache
def _set_loader(level: str) -> Select[tuple[Objective]]:
    """The set of :owner_id (individual), :department_id (department) or the company in
    :cycle_id, with key results, parents and owners."""
    stmt = select(Objective).where(
        Objective.cycle_id == bindparam("cycle_id"), Objective.level == level
    )
    if level == "individual":
        stmt = stmt.where(Objective.owner_id == bindparam("owner_id"))
    elif level == "department":
        stmt = stmt.where(Objective.department_id == bindparam("department_id"))
    return stmt.order_by(Objective.position, Objective.id).options(
        db.selectinload(Objective.key_results),
        db.joinedload(Objective.parent),
        db.joinedload(Objective.owner),
    )


@cache
def _children_counted() -> Select[tuple[int, int]]:
    return (
        select(Objective.parent_id, func.count())
        .where(Objective.parent_id.in_(bindparam("ids", expanding=True)))
        .group_by(Objective.parent_id)
    )


@cache
def _waiting(admin: bool) -> Select[tuple[Person, int]]:
    """People with individual objectives submitted in :cycle_id (below :viewer_id unless admin)."""
    stmt = (
        select(Person, func.count(Objective.id))
        .join(Objective, Objective.owner_id == Person.id)
        .where(
            Objective.cycle_id == bindparam("cycle_id"),
            Objective.level == "individual",
            Objective.status == "submitted",
        )
        .group_by(Person.id)
        .order_by(Person.name)
    )
    if not admin:
        stmt = stmt.where(Person.id.in_(report_ids_query(bindparam("viewer_id"))))
    return stmt
