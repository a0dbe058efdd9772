"""The key result form of the key result pages: the definition plus where its numbers come from."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from okr.forms import options
from okr.key_results.sources import SOURCES
from okr.objectives.forms import KeyResultForm


class SourcedKeyResultForm(KeyResultForm):
    source = SelectField(
        _l("Numbers come from"), choices=options(SOURCES), default="manual", validate_choice=False
    )
    source_key = StringField(
        _l("External id"),
        validators=[Optional()],
        description=_l("The id your data pipeline or file uses for this key result"),
    )
    indicator = SelectField(
        _l("Feeds the scorecard indicator"),
        choices=options([("", _l("none"))]),
        default="",
        validate_choice=False,
        description=_l("Its value gives this indicator's points on the owner's appraisal"),
    )


class SourceForm(FlaskForm):
    """Only where the numbers come from: changed at any time, it scores nothing."""

    source = SourcedKeyResultForm.source
    source_key = SourcedKeyResultForm.source_key
