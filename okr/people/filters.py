"""The filters of the lists over many people: rankings, flags, a review's dashboard, people.

Each list has a GET form (bookmarkable, no CSRF: it reads, never writes) with a department,
which means that department and every department below it. HR may pick any department; anyone
else only a department where someone they may see sits. A filter narrows the viewer's scope and
never widens it: the list is what the viewer may see and in the department's subtree both.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, Select, true
from wtforms import SelectField

from okr.extensions import db
from okr.forms import optional_int, options
from okr.org.queries import department_paths, department_subtree_query


class ListFilterForm(FlaskForm):
    """A list's filter: the department (with the departments below it); lists add their own."""

    class Meta:
        csrf = False

    department = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)


def department_options(visible: Select[tuple[int]] | None) -> dict[int, str]:
    """The departments offered, id to path: every one (visible None), or the ids `visible` selects."""
    paths = department_paths()
    if visible is None:
        return paths
    ids = set(db.session.scalars(visible.distinct()))
    return {i: path for i, path in paths.items() if i in ids}


def checked(form: ListFilterForm, paths: dict[int, str]) -> bool:
    """Offer `paths` as the departments and validate the form; a department not offered is refused."""
    by_path = sorted(paths.items(), key=lambda item: item[1])
    form.department.choices = options([("", _("All")), *by_path])
    valid = form.validate()
    if form.department.data is not None and form.department.data not in paths:
        form.department.errors = [_("Choose a department from the list.")]
        valid = False
    return valid


def in_subtree(column: ColumnElement[int], department_id: int | None) -> ColumnElement[bool]:
    """The rows whose department is the chosen one or below it (every row when none is chosen)."""
    if department_id is None:
        return true()
    return column.in_(department_subtree_query(department_id))
