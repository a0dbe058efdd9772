"""The filters of the lists over many people: rankings, flags, a review's dashboard, people.

Each list has a GET form (bookmarkable, no CSRF: it reads, never writes) with a department,
which means that department and every department below it. HR may pick any department; anyone
else only a department where someone they may see sits. A filter narrows the viewer's scope and
never widens it: the list is what the viewer may see and in the department's subtree both.
"""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, select, true
from wtforms import SelectField

from okr.extensions import db
from okr.forms import optional_int, options
from okr.org.models import Department
from okr.org.queries import department_subtree_ids


class ListFilterForm(FlaskForm):
    """A list's filter: the department (with the departments below it); lists add their own."""

    class Meta:
        csrf = False

    department = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)


def department_options(visible: Collection[int] | None) -> dict[int, str]:
    """The departments offered, id to 'A / B / C' path: every one (visible None), or those with
    the ids in `visible` (one query)."""
    rows = db.session.execute(select(Department.id, Department.name, Department.parent_id)).all()
    names = {i: (name, parent) for i, name, parent in rows}

    def path(i: int) -> str:
        name, parent = names[i]
        return name if parent is None else f"{path(parent)} / {name}"

    return {i: path(i) for i in (names if visible is None else visible) if i in names}


def offer(form: ListFilterForm, paths: dict[int, str]) -> None:
    """Offer `paths` as the departments, by path."""
    by_path = sorted(paths.items(), key=lambda item: item[1])
    form.department.choices = options([("", _("All")), *by_path])


def checked(form: ListFilterForm, paths: dict[int, str]) -> bool:
    """Offer `paths` as the departments and validate the form; a department not offered is refused."""
    offer(form, paths)
    valid = form.validate()
    if form.department.data is not None and form.department.data not in paths:
        form.department.errors = [_("Choose a department from the list.")]
        valid = False
    return valid


def subtree(department_id: int | None) -> frozenset[int] | None:
    """The chosen department and every department below it (one query); None when none is chosen.

    The ids are read first and sent as a list: PostgreSQL's planner guesses a recursive query's
    size badly and would scan every appraisal for a department of ten people."""
    return None if department_id is None else frozenset(department_subtree_ids(department_id))


def in_departments(column: ColumnElement[int], ids: frozenset[int] | None) -> ColumnElement[bool]:
    """The rows whose department is one of `ids` (every row when None: no department chosen)."""
    return true() if ids is None else column.in_(sorted(ids))
