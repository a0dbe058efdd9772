"""Reads for applying KR templates: whom a template reaches by position."""

from __future__ import annotations

from sqlalchemy import select

from okr.extensions import db
from okr.org.models import Person
from okr.org.queries import department_subtree_ids


def people_of_position(department_id: int, position: str) -> list[Person]:
    """Active people holding a position in a department or in any department below it."""
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.department_id.in_(department_subtree_ids(department_id)),
                Person.active,
                Person.position == position.strip(),
            )
            .order_by(Person.name, Person.id)
        )
    )
