"""The department field of filter bars: typed (with suggestions), not a list of every department.

A list of 1,243 departments was loaded and drawn on every team and alignment page of a big
company; the field takes a path or a name (an id from a link or bookmark too), suggests paths as
one types (`departments.suggest`) and is read here.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SearchField
from wtforms.validators import Length, Optional

from okr.org.queries import department_path, find_department


def department_field() -> SearchField:
    return SearchField(
        _l("Department"),
        validators=[Optional(), Length(max=500, message=_l("Type at most 500 characters."))],
        description=_l("Type a name and choose its path."),
    )


def read_department(field: SearchField) -> int | None:
    """The department the field names (None for none), or an error beside the field."""
    text = (field.data or "").strip()
    if not text or field.errors:
        return None
    found, candidates = find_department(text)
    if found is None:
        field.errors = [
            _("Several departments are called “%(name)s”: choose one by its path.", name=text)
            if candidates
            else _("Choose a department from the list.")
        ]
        return None
    field.data = department_path(found)  # shown as its path, whether typed, linked or bookmarked
    return found
