"""Forms for departments, people and the people import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from okr.forms import VersionedForm, optional_int, strip_text
from okr.people.filters import ListFilterForm


class PersonForm(VersionedForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=100)])
    email = StringField(
        _l("Email"),
        filters=[strip_text],
        validators=[
            InputRequired(_l("Enter an email address.")),
            Email(_l("Enter an email address.")),
            Length(max=254),
        ],
    )
    position = StringField(_l("Position"), validators=[Length(max=100)])
    department_id = SelectField(
        _l("Department"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose a department."))],
    )
    manager_email = StringField(
        _l("Manager (email)"),
        filters=[strip_text],
        validators=[Optional(), Email(_l("Enter an email address."))],
    )
    is_admin = BooleanField(_l("HR administrator (manages the whole company)"))
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=8, message=_l("Use at least 8 characters."))],
        description=_l("Leave empty to keep the current password."),
    )


class SearchForm(ListFilterForm):
    """The people list's filter: a department (and below), a name, deactivated people too."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    inactive = BooleanField(_l("Show deactivated"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(_l("Choose a CSV or Excel file.")),
            FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported.")),
        ],
    )


class ConfirmImportForm(FlaskForm):
    batch_id = HiddenField()

    @property
    def batch(self) -> int | None:
        return optional_int(self.batch_id.data)
