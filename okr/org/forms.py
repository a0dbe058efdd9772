"""Forms for departments, people and the people import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

NO_PARENT = ""


def _optional_int(value: str | int | None) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class VersionedForm(FlaskForm):
    """Carries the version the form was opened on, so a stale save can be refused."""

    version = HiddenField()

    @property
    def opened_version(self) -> int | None:
        return _optional_int(self.version.data)


class DepartmentForm(VersionedForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=100)])
    parent_id = SelectField(_l("Part of"), coerce=_optional_int, validate_choice=False)
    head_email = StringField(
        _l("Head (email)"), validators=[Optional(), Email(_l("Enter an email address."))]
    )


class DeleteForm(VersionedForm):
    """A bare form: CSRF token and version for a delete or toggle button."""


class PersonForm(VersionedForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=100)])
    email = StringField(
        _l("Email"),
        validators=[InputRequired(_l("Enter an email address.")), Email(_l("Enter an email address.")), Length(max=254)],
    )
    position = StringField(_l("Position"), validators=[Length(max=100)])
    department_id = SelectField(
        _l("Department"), coerce=_optional_int, validators=[InputRequired(_l("Choose a department."))]
    )
    manager_email = StringField(
        _l("Manager (email)"), validators=[Optional(), Email(_l("Enter an email address."))]
    )
    is_admin = BooleanField(_l("HR administrator (manages the whole company)"))
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=8, message=_l("Use at least 8 characters."))],
        description=_l("Leave empty to keep the current password."),
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

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
