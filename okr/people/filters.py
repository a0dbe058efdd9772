"""The filters of the lists over many people: rankings, flags, a review's dashboard, people.

Each list has a GET form (bookmarkable, no CSRF: it reads, never writes) with a department,
typed with suggestions as on the team pages (okr.org.filters), which means that department and
every department below it. A filter narrows what the viewer may see and never widens it: the
list is the viewer's scope and the department's subtree both, so a manager who names another
department finds nobody of theirs there.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, true

from okr.org.filters import department_field, read_department
from okr.org.queries import department_subtree_ids


class ListFilterForm(FlaskForm):
    """A list's filter: the department (with the departments below it); lists add their own."""

    class Meta:
        csrf = False

    department = department_field()
    department_id: int | None = None  # the department the field names, once checked


def checked(form: ListFilterForm) -> bool:
    """Validate the form and read the department; an unknown one is refused beside the field."""
    valid = form.validate()
    form.department_id = read_department(form.department)
    return valid and not form.department.errors


def subtree(department_id: int | None) -> frozenset[int] | None:
    """The chosen department and every department below it (one query); None when none is chosen.

    The ids are read first and sent as a list: PostgreSQL's planner guesses a recursive query's
    size badly and would scan every appraisal for a department of ten people."""
    return None if department_id is None else frozenset(department_subtree_ids(department_id))


def in_departments(column: ColumnElement[int], ids: frozenset[int] | None) -> ColumnElement[bool]:
    """The rows whose department is one of `ids` (every row when None: no department chosen)."""
    return true() if ids is None else column.in_(sorted(ids))
