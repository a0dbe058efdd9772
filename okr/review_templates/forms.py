"""The review-template edit form: parts, bands with quotas, plans and conditions, adjustments,
criteria as JSON (turned into a template dict and back by okr.review_templates.form_spec)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from okr.forms import DecimalText, options, required_number

# Forms -----------------------------------------------------------------------------------


class BandForm(Form):
    label = StringField(_l("Grade"), validators=[Optional(), Length(max=40)])
    min = DecimalText(_l("From (points)"))
    inclusive = SelectField(
        _l("Threshold"), choices=options([("1", _l("at least")), ("0", _l("above"))]), default="1"
    )
    quota = DecimalText(_l("Quota (%)"))
    plan = BooleanField(_l("Improvement plan"))
    require_part = SelectField(
        _l("Also requires"),
        choices=options(
            [
                ("", _l("nothing more")),
                ("interview", _l("interview ratings")),
                ("self", _l("self ratings")),
            ]
        ),
        default="",
    )
    require_count = StringField(
        _l("How many criteria"), validators=[Optional()], description=_l("Empty: all of them.")
    )
    require_level = DecimalText(_l("At or above"))


class KindForm(Form):
    key = StringField(_l("Key"), validators=[Optional(), Length(max=40)])
    label = StringField(_l("Label"), validators=[Optional(), Length(max=100)])
    points = DecimalText(_l("Points each"))
    min = DecimalText(_l("Or from"), description=_l("A range chosen when recorded, e.g. −5 to −1"))
    max = DecimalText(_l("to"))


class TemplateForm(FlaskForm):
    base = HiddenField()
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    total_scale = DecimalText(_l("Total scale (points)"), validators=[required_number])
    attainment_cap = DecimalText(
        _l("Key-result attainment cap (%)"),
        validators=[required_number],
        description=_l("100 means no over-achievement; 120 lets a key result count up to 120%."),
    )
    min_peer_raters = StringField(_l("Minimum peer raters"), validators=[Optional()])
    weight_kr = DecimalText(_l("Key-result attainment (%)"))
    weight_peer = DecimalText(_l("Peer evaluation (%)"))
    weight_interview = DecimalText(_l("One-on-one interview (%)"))
    weight_self = DecimalText(_l("Self-assessment (%)"))
    criteria = TextAreaField(
        _l("Criteria (JSON)"),
        description=_l(
            "For each rated part, a list of {key, label, weight, scale}; weights sum to 100. See the documentation."
        ),
    )
    bands = FieldList(FormField(BandForm), min_entries=1, max_entries=12)
    kinds = FieldList(FormField(KindForm), max_entries=30)
    free_form = BooleanField(
        _l("Also allow free-form bonuses and deductions (any points, with a reason)")
    )
    bonus_cap = DecimalText(_l("Bonus cap (points)"), description=_l("Empty: no cap."))
    deduction_cap = DecimalText(_l("Deduction cap (points)"), description=_l("Empty: no cap."))


class ImportForm(FlaskForm):
    file = FileField(_l("Template file (.json)"))
    text = TextAreaField(_l("Or paste the JSON"))


class ButtonForm(FlaskForm):
    """A bare button carrying the CSRF token."""
