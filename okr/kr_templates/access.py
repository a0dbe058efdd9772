"""Who may use KR templates, and to whom they may apply them."""

from __future__ import annotations

from sqlalchemy import select

from okr.extensions import db
from okr.objectives import access
from okr.objectives.models import Objective
from okr.org.models import Department, Person
from okr.org.queries import department_subtree_ids, is_manager


def may_use_templates(viewer: Person) -> bool:
    """Admins, managers (someone reports to them) and department heads see and apply templates."""
    if viewer.is_admin or is_manager(viewer.id):
        return True
    return (
        db.session.scalar(select(Department.id).where(Department.head_id == viewer.id).limit(1))
        is not None
    )


def may_apply_to_person(viewer: Person, person: Person) -> bool:
    """Whoever may edit the person's individual OKRs: themself, their chain, admins."""
    probe = Objective(level="individual", owner_id=person.id, department_id=person.department_id)
    return access.can_edit(viewer, probe)


def may_apply_to_department(viewer: Person, department_id: int) -> bool:
    """Admins, and heads of the department or of any department above it."""
    return viewer.is_admin or viewer.id in access.heads_above(department_id)


def departments_for(viewer: Person) -> set[int] | None:
    """Departments whose people the viewer may apply templates to by position (None: all)."""
    if viewer.is_admin:
        return None
    headed = db.session.scalars(select(Department.id).where(Department.head_id == viewer.id))
    allowed: set[int] = set()
    for department_id in headed:
        allowed |= department_subtree_ids(department_id)
    return allowed
