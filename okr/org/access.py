"""Who may see a person's record."""

from __future__ import annotations

from okr.org.models import Person
from okr.org.queries import report_ids


def can_view_person(viewer: Person, person: Person) -> bool:
    """Admins see everyone; a person sees themself; a manager sees their whole reporting line."""
    return viewer.is_admin or viewer.id == person.id or person.id in report_ids(viewer.id)
