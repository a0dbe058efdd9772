"""Forms for objectives, key results and check-ins."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from okr.forms import DecimalText, VersionedForm, optional_int, options
from okr.forms import required_number as _required_number

PROGRESS_RULES = [
    ("own_krs", _l("Its own key results")),
    ("children", _l("The objectives aligned to it")),
    ("both", _l("Both: the mean of the two")),
]

KR_KINDS = [
    ("increase", _l("Increase from start to target")),
    ("decrease", _l("Decrease from start to target")),
    ("at_least", _l("Keep at least the target")),
    ("at_most", _l("Keep at most the target")),
    ("ratio", _l("Ratio of the target (from zero)")),
    ("milestone", _l("Milestone: done or not done")),
    ("per_unit", _l("Points per unit, with a cap")),
    ("tiers", _l("Points by tiers")),
]

MAX_POINTS = 1000
"""Points a key result can give (per-unit caps, points per step): far above any scheme's scale."""

CONFIDENCE_CHOICES = [
    ("on_track", _l("On track")),
    ("at_risk", _l("At risk")),
    ("off_track", _l("Off track")),
]


class ObjectiveForm(VersionedForm):
    title = StringField(
        _l("Objective"), validators=[InputRequired(_l("Enter a title.")), Length(max=300)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    weight = DecimalText(_l("Weight (%)"), validators=[_required_number], minimum=0, maximum=100)
    parent_id = SelectField(_l("Aligns to"), coerce=optional_int, validate_choice=False)
    progress_rule = SelectField(
        _l("Progress comes from"), choices=options(PROGRESS_RULES), default="own_krs"
    )


class KeyResultForm(VersionedForm):
    title = StringField(
        _l("Key result"), validators=[InputRequired(_l("Enter a title.")), Length(max=300)]
    )
    unit = StringField(
        _l("Unit"),
        validators=[Optional(), Length(max=20)],
        description=_l("%, 元, count, or your own"),
    )
    kind = SelectField(_l("Kind"), choices=options(KR_KINDS), default="increase")
    weight = DecimalText(_l("Weight (%)"), validators=[_required_number], minimum=0, maximum=100)
    start = DecimalText(_l("Start (baseline)"))
    target = DecimalText(_l("Target"))
    step = DecimalText(_l("Per how many units"))
    points_per_step = DecimalText(_l("Points per step"), maximum=MAX_POINTS)
    direction = SelectField(
        _l("Counts when the value"),
        choices=options([("up", _l("goes up")), ("down", _l("goes down"))]),
        default="up",
        validate_choice=False,
    )
    max_points = DecimalText(_l("At most (points)"), maximum=MAX_POINTS)
    tiers = TextAreaField(
        _l("Tiers"),
        description=_l(
            "One per line: lower bound, upper bound, points; [ ] closed, ( ) open, empty bound = no limit. E.g. [2500, 3000) 3"
        ),
    )
    confirm_gaps = BooleanField(_l("I mean this gap: values between two tiers score 0 points"))


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


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
