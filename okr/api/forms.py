"""The form that makes an API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from okr.forms import options

SCOPE_LABELS = {
    "read": _l("Read: my OKRs, key results and check-ins, and what I may read"),
    "checkin": _l("Check-in: record check-ins on key results I may update"),
    "admin": _l("Admin (HR only): people, departments and released results"),
}


class TokenForm(FlaskForm):
    """The fields are checked by the service (okr.api.tokens.create_token), all at once."""

    name = StringField(
        _l("Name"),
        description=_l("e.g. analytics sync"),
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=options(SCOPE_LABELS.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    days = IntegerField(
        _l("Expires after (days)"),
        default=90,
    )
