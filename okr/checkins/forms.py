"""The check-in and correction forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from okr.forms import VersionedForm, options
from okr.labels import CONFIDENCE_CHOICES


class CheckInForm(VersionedForm):
    value = StringField(_l("New value"), validators=[InputRequired(_l("Enter the new value."))])
    confidence = SelectField(_l("Confidence"), choices=options(CONFIDENCE_CHOICES))
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Progress, blockers, next step"),
    )


class CorrectionForm(FlaskForm):
    """A correction of the latest check-in (one on a page at a time: fixed ids)."""

    value = StringField(
        _l("Right value"),
        id="correction-value",
        validators=[InputRequired(_l("Enter the right value."))],
    )
    confidence = SelectField(
        _l("Confidence"), id="correction-confidence", choices=options(CONFIDENCE_CHOICES)
    )
    note = TextAreaField(
        _l("Note"), id="correction-note", validators=[Optional(), Length(max=2000)]
    )
    reason = TextAreaField(
        _l("What was wrong"),
        id="correction-reason",
        validators=[
            InputRequired(_l("Say what was wrong; the reason is kept with the correction.")),
            Length(max=1000),
        ],
        description=_l("Kept in the history beside the correction, e.g. “typed 50 instead of 5”."),
    )
    back = HiddenField()  # where the person came from: "week" or the key result's page
