"""Who may check in on many key results at once: `okr.objectives.access.can_edit`, set-based.

One query per kind of objective instead of one per objective: the actor's reports for
individual objectives, the departments at or below those the actor heads for department
objectives (a head of a department above edits its objectives). Tested against `can_edit`
objective by objective (tests/okrs/test_checkin_sources.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from okr.extensions import db
from okr.objectives.models import Objective
from okr.org.models import Department, Person
from okr.org.queries import report_ids


def editable_objectives(actor: Person, objectives: Iterable[Objective]) -> set[int]:
    """The ids of these objectives the actor may edit, and so check in on."""
    found = {o.id: o for o in objectives}
    if actor.is_admin:
        return set(found)
    individual = {i for i, o in found.items() if o.level == "individual"}
    if any(found[i].owner_id != actor.id for i in individual):
        reports = report_ids(actor.id)
    else:
        reports = set()
    ids = {i for i in individual if found[i].owner_id == actor.id or found[i].owner_id in reports}
    departments = {
        i: o.department_id
        for i, o in found.items()
        if o.level == "department" and o.department_id is not None
    }
    if departments:
        headed = headed_subtree(actor.id)
        ids |= {i for i, department_id in departments.items() if department_id in headed}
    return ids


def headed_subtree(person_id: int) -> set[int]:
    """The departments a person heads and every department below them."""
    tree = (
        select(Department.id).where(Department.head_id == person_id).cte("headed", recursive=True)
    )
    tree = tree.union(select(Department.id).join(tree, Department.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))
