"""Sign-in and account forms."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from okr.auth import timezones
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
        description=_l("Dates and times are shown in it; the offset from UTC is today's."),
    )

    def __init__(self, *args: Any, timezone_query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(timezone_query, self.timezone.data)
        self.timezone_query = timezone_query.strip()
        self.timezone_matches = timezones.match_count(timezone_query) if self.timezone_query else 0


def timezone_choices(query: str = "", current: str | None = None) -> list[SelectChoice]:
    """The company's timezone first, then the zones (common first, by region), as labelled
    options whose value is the IANA name; `query` narrows them down."""
    company = current_app.config["TIMEZONE"]
    found = [SelectChoice("", _("The company's timezone: %(zone)s", zone=timezones.label(company)))]
    for group, zones in timezones.choices(query, current).items():
        found += [SelectChoice(zone, text, optgroup=group) for zone, text in zones]
    return found
