"""The department form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from okr.forms import VersionedForm, optional_int, strip_text


class DepartmentForm(VersionedForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=100)])
    parent_id = SelectField(_l("Part of"), coerce=optional_int, validate_choice=False)
    head_email = StringField(
        _l("Head (email)"),
        filters=[strip_text],
        validators=[Optional(), Email(_l("Enter an email address."))],
    )
