"""Sign-in and account forms."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import EqualTo, InputRequired, Length

from okr.forms import options
from okr.i18n import LANGUAGE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password."))]
    )
    new = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(_l("Enter a new password.")),
            Length(min=8, message=_l("Use at least 8 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[EqualTo("new", _l("The two new passwords differ."))],
    )


class PreferencesForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=options([("", _l("Same as my browser")), *LANGUAGE_NAMES.items()]),
    )
    timezone = SelectField(
        _l("Timezone"),
        choices=options(
            [("", _l("The company's timezone")), *((z, z) for z in sorted(available_timezones()))]
        ),
    )
