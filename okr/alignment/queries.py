"""The alignment tree of a cycle, one level per request.

Company objectives are the roots; each node carries its number of aligned children (one
grouped count per level) and its children are loaded only when asked for. Every query takes the
viewer's read filter, so individual objectives the viewer may not read are neither listed nor
counted. Filtering by department or person lists the matching objectives with their path up
to the company, the path read with one recursive query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, func, or_, select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.objectives.models import Objective
from okr.org.models import Person
from okr.org.queries import department_subtree_query
from okr.paging import Paging, paged


@dataclass(frozen=True)
class Node:
    """One objective in the tree, with how many readable objectives align to it."""

    id: int
    title: str
    level: str
    status: str
    owner_id: int
    owner: str
    department: str | None
    progress: Decimal | None
    confidence: str | None
    parent_id: int | None
    children: int

    @property
    def unaligned(self) -> bool:
        """Department and individual objectives should align to one level up; company ones are roots."""
        return self.level != "company" and self.parent_id is None


@dataclass(frozen=True)
class Crumb:
    id: int
    title: str
    level: str


@dataclass(frozen=True)
class Match:
    """An objective found by a filter, with the objectives above it (company first)."""

    path: tuple[Crumb, ...]
    node: Node


def child_counts(ids: list[int], readable: ColumnElement[bool]) -> dict[int, int]:
    """How many readable objectives align to each of these (one grouped query)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Objective.parent_id, func.count())
        .where(Objective.parent_id.in_(ids), readable)
        .group_by(Objective.parent_id)
    )
    return dict(rows.all())


def _with_owner(stmt: Select) -> Select:  # type: ignore[type-arg]
    return stmt.options(db.joinedload(Objective.owner), db.joinedload(Objective.department))


def _nodes(objectives: list[Objective], readable: ColumnElement[bool]) -> list[Node]:
    counts = child_counts([o.id for o in objectives], readable)
    return [
        Node(
            id=o.id,
            title=o.title,
            level=o.level,
            status=o.status,
            owner_id=o.owner_id,
            owner=o.owner.name,
            department=o.department.name if o.department else None,
            progress=o.progress,
            confidence=o.confidence,
            parent_id=o.parent_id,
            children=counts.get(o.id, 0),
        )
        for o in objectives
    ]


def roots(cycle: Cycle, readable: ColumnElement[bool]) -> list[Node]:
    """The company objectives of a cycle: the top of the tree (two queries)."""
    objectives = db.session.scalars(
        _with_owner(select(Objective))
        .where(Objective.cycle_id == cycle.id, Objective.level == "company", readable)
        .order_by(Objective.position, Objective.id)
    ).all()
    return _nodes(list(objectives), readable)


def children(parent_id: int, readable: ColumnElement[bool], page: int) -> tuple[list[Node], Paging]:
    """One page of the objectives aligned to one objective (departments first, then people)."""
    stmt = (
        _with_owner(select(Objective))
        .where(Objective.parent_id == parent_id, readable)
        .order_by(Objective.level, Objective.title, Objective.id)
    )
    objectives, paging = paged(stmt, page)
    return _nodes(objectives, readable), paging


def unaligned(cycle: Cycle, readable: ColumnElement[bool], page: int) -> tuple[list[Node], Paging]:
    """Department and individual objectives of the cycle that align to nothing."""
    stmt = (
        _with_owner(select(Objective))
        .where(
            Objective.cycle_id == cycle.id,
            Objective.level != "company",
            Objective.parent_id.is_(None),
            readable,
        )
        .order_by(Objective.level, Objective.title, Objective.id)
    )
    objectives, paging = paged(stmt, page)
    return _nodes(objectives, readable), paging


def _paths(parent_ids: set[int]) -> dict[int, tuple[Crumb, ...]]:
    """Each objective's path from the top down to itself, for these objectives (one recursive query).

    Only company and department objectives are ever parents, and everyone reads those.
    """
    if not parent_ids:
        return {}
    columns = (Objective.id, Objective.parent_id, Objective.title, Objective.level)
    up = (
        select(*columns)
        .where(Objective.id.in_(parent_ids), Objective.level != "individual")
        .cte("ancestors", recursive=True)
    )
    up = up.union(
        select(*columns)
        .join(up, Objective.id == up.c.parent_id)
        .where(Objective.level != "individual")
    )
    rows = {row.id: row for row in db.session.execute(select(up))}
    paths: dict[int, tuple[Crumb, ...]] = {}
    for start in parent_ids:
        chain: list[Crumb] = []
        current = rows.get(start)
        while current is not None and current.id not in {c.id for c in chain}:
            chain.append(Crumb(current.id, current.title, current.level))
            current = rows.get(current.parent_id) if current.parent_id is not None else None
        paths[start] = tuple(reversed(chain))
    return paths


def matching(
    cycle: Cycle,
    readable: ColumnElement[bool],
    *,
    department_id: int | None,
    person: str,
    page: int,
) -> tuple[list[Match], Paging]:
    """Objectives of a department (and those below it) and/or of people whose name or email matches."""
    stmt = _with_owner(select(Objective)).where(Objective.cycle_id == cycle.id, readable)
    if department_id is not None:
        stmt = stmt.where(Objective.department_id.in_(department_subtree_query(department_id)))
    term = person.strip().lower()
    if term:
        # autoescape: a typed % or _ is searched for, not used as a wildcard
        owners = select(Person.id).where(
            or_(
                func.lower(Person.name).contains(term, autoescape=True),
                Person.email.contains(term, autoescape=True),
            )
        )
        stmt = stmt.where(Objective.owner_id.in_(owners))
    objectives, paging = paged(stmt.order_by(Objective.level, Objective.title, Objective.id), page)
    nodes = _nodes(objectives, readable)
    paths = _paths({n.parent_id for n in nodes if n.parent_id is not None})
    return [
        Match(paths.get(n.parent_id, ()) if n.parent_id is not None else (), n) for n in nodes
    ], paging


@dataclass(frozen=True)
class AlignmentPage:
    """The tree's top and the unaligned objectives, or (when filtering) what the filter matches."""

    roots: list[Node]
    unaligned: list[Node]
    matches: list[Match] | None
    paging: Paging


def alignment_page(
    cycle: Cycle,
    readable: ColumnElement[bool],
    *,
    department_id: int | None,
    person: str,
    page: int,
) -> AlignmentPage:
    """What the alignment page shows for a cycle and its filters, one level deep."""
    if department_id is not None or person.strip():
        found, paging = matching(
            cycle, readable, department_id=department_id, person=person, page=page
        )
        return AlignmentPage([], [], found, paging)
    loose, paging = unaligned(cycle, readable, page)
    return AlignmentPage(roots(cycle, readable), loose, None, paging)
