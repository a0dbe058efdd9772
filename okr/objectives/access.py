"""Who may read, edit and approve objectives.

Company and department objectives are readable by everyone signed in. Individual objectives are
readable by the owner, their management chain and HR, and by the owner's department when the
company turns on transparency; only the owner and their chain (and HR) edit them.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import ColumnElement, or_, select

from okr.extensions import db
from okr.objectives.models import Objective
from okr.org.models import Company, Department, Person
from okr.org.queries import department_ancestor_ids, report_ids, report_ids_query


def transparency_on() -> bool:
    """Whether the company lets departments read their members' individual OKRs."""
    return bool(db.session.scalar(select(Company.okr_transparency).limit(1)))


def readable_clause(viewer: Person) -> ColumnElement[bool]:
    """SQL filter for the objectives a viewer may read (used by every list page)."""
    if viewer.is_admin:
        return readable_by(viewer.id, viewer.department_id, admin=True, transparent=False)
    return readable_by(viewer.id, viewer.department_id, admin=False, transparent=transparency_on())


def readable_by(
    viewer_id: Any,
    department_id: Any,
    *,
    admin: bool,
    transparent: bool,
    objective: Any = Objective,
) -> ColumnElement[bool]:
    """`readable_clause` for a viewer given by id and department: values, or bound parameters
    of a statement built once for every viewer of the kind (admin or not, transparency on or
    off). `objective` is the entity filtered: Objective, or an alias of it (e.g. over a CTE)."""
    if admin:
        return objective.id.is_not(None)
    individual = [
        objective.owner_id == viewer_id,
        objective.owner_id.in_(report_ids_query(viewer_id)),
    ]
    if transparent:
        individual.append(objective.department_id == department_id)
    return or_(objective.level != "individual", *individual)


def readable_params(viewer: Person) -> tuple[tuple[bool, bool], dict[str, Any]]:
    """The kind of viewer (admin, transparency on) and the parameters of a statement built with
    `readable_by(bindparam("viewer_id"), bindparam("viewer_department_id"), ...)`."""
    kind = (True, False) if viewer.is_admin else (False, transparency_on())
    return kind, {"viewer_id": viewer.id, "viewer_department_id": viewer.department_id}


class Owned(Protocol):
    """Whose an objective is: a loaded Objective, or a row of it (okr.objectives.chain)."""

    @property
    def level(self) -> str: ...
    @property
    def owner_id(self) -> int: ...
    @property
    def department_id(self) -> int | None: ...


def can_read(viewer: Person, objective: Owned) -> bool:
    """Read access to one objective."""
    if objective.level != "individual" or viewer.is_admin or viewer.id == objective.owner_id:
        return True
    if objective.owner_id in report_ids(viewer.id):
        return True
    return objective.department_id == viewer.department_id and transparency_on()


def heads_above(department_id: int) -> set[int]:
    """Heads of a department and of every department above it."""
    ids = [department_id, *department_ancestor_ids(department_id)]
    return {
        head
        for head in db.session.scalars(select(Department.head_id).where(Department.id.in_(ids)))
        if head is not None
    }


def can_edit(viewer: Person, objective: Objective) -> bool:
    """Owner and chain edit individual objectives; department heads above edit department ones."""
    if viewer.is_admin:
        return True
    if objective.level == "individual":
        return viewer.id == objective.owner_id or objective.owner_id in report_ids(viewer.id)
    if objective.level == "department" and objective.department_id is not None:
        return viewer.id in heads_above(objective.department_id)
    return False


def can_approve(viewer: Person, objective: Objective) -> bool:
    """The manager chain approves individual OKRs; HR or a parent department's head approves department OKRs."""
    if objective.level == "individual":
        return viewer.id != objective.owner_id and (
            viewer.is_admin or objective.owner_id in report_ids(viewer.id)
        )
    if objective.level == "department" and objective.department_id is not None:
        if viewer.is_admin:
            return True
        parents = department_ancestor_ids(objective.department_id)
        return bool(parents) and viewer.id in heads_above(parents[0])
    return viewer.is_admin
