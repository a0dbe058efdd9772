"""Forms for KR templates: the template with its key-result rows, and applying it to people."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from okr.forms import DecimalText, optional_int, options, required_number
from okr.objectives.forms import KeyResultForm


class TemplateKRForm(Form):
    """One key result of a template: the fields of the key-result form."""

    title = KeyResultForm.title
    unit = KeyResultForm.unit
    kind = KeyResultForm.kind
    weight = KeyResultForm.weight
    start = KeyResultForm.start
    target = KeyResultForm.target
    step = KeyResultForm.step
    points_per_step = KeyResultForm.points_per_step
    direction = KeyResultForm.direction
    max_points = KeyResultForm.max_points
    tiers = KeyResultForm.tiers
    confirm_gaps = KeyResultForm.confirm_gaps
    hold_scoring = KeyResultForm.hold_scoring
    hold_strict = KeyResultForm.hold_strict
    aspect = KeyResultForm.aspect  # a template has no cycle: a time target is due at its end


class TemplateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=100)])
    position = StringField(
        _l("Position"),
        validators=[Optional(), Length(max=100)],
        description=_l("As written on people's records, e.g. SEO专员"),
    )
    objective_title = StringField(
        _l("Objective"),
        validators=[InputRequired(_l("Enter the objective title.")), Length(max=300)],
    )
    krs = FieldList(FormField(TemplateKRForm), min_entries=1, max_entries=20)


SCOPES = [
    ("person", _l("One person")),
    ("position", _l("Everyone with a position in a department")),
]


class ApplyForm(FlaskForm):
    cycle = SelectField(_l("Cycle"), coerce=optional_int, validate_choice=False)
    scope = SelectField(_l("Apply to"), choices=options(SCOPES), default="person")
    person = StringField(_l("Person (email)"), validators=[Length(max=254)])
    department = SelectField(
        _l("Department"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("Its sub-departments are included."),
    )
    position = StringField(_l("Position"), validators=[Length(max=100)])
    weight = DecimalText(
        _l("Objective weight (%)"),
        validators=[required_number],
        description=_l("The objective's share of the person's set."),
    )

    def validate_cycle(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError(_("Choose a cycle."))

    def validate_person(self, field: StringField) -> None:
        if self.scope.data == "person" and not (field.data or "").strip():
            raise ValidationError(_("Enter the person's email."))

    def validate_department(self, field: SelectField) -> None:
        if self.scope.data == "position" and field.data is None:
            raise ValidationError(_("Choose a department."))

    def validate_position(self, field: StringField) -> None:
        if self.scope.data == "position" and not (field.data or "").strip():
            raise ValidationError(_("Enter a position."))
