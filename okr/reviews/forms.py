"""Forms of a running review: open it, self-assess, rate peers, hold the interview, acknowledge.

Rating fields are built from the template's criteria at request time, one text field per
criterion named ``rating-<key>`` (the names the services read and report errors under).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from okr.forms import VersionedForm, optional_int, options
from okr.reviews.services import INTERVIEW_STEPS
from okr.schemes.format import TemplateSpec

TEXT_LIMIT = 4000


class OpenReviewForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Name the review.")), Length(max=200)],
        description=_l("e.g. 2026 Q4 performance review"),
    )
    cycle_id = SelectField(_l("OKR cycle"), coerce=optional_int)
    template_id = SelectField(_l("Review template"), coerce=optional_int)
    departments = SelectMultipleField(
        _l("Departments"),
        coerce=int,
        description=_l(
            "Everyone active in these departments and the ones below them is appraised."
        ),
    )
    self_deadline = DateField(
        _l("Self-assessments due"), validators=[InputRequired(_l("Choose a date."))]
    )
    peer_deadline = DateField(
        _l("Team evaluations due"), validators=[InputRequired(_l("Choose a date."))]
    )
    interview_deadline = DateField(
        _l("Interviews due"), validators=[InputRequired(_l("Choose a date."))]
    )


class AssignRaterForm(FlaskForm):
    rater = SelectField(_l("Colleague"), coerce=optional_int, validate_choice=False)
    email = StringField(
        _l("Or someone else, by email"),
        validators=[Optional(), Length(max=254)],
        description=_l("For a rater outside the department."),
    )


class AcknowledgeForm(VersionedForm):
    answer = RadioField(
        _l("Your answer"),
        choices=options(
            [
                ("agree", _l("I agree with this result")),
                ("disagree", _l("I disagree and record why")),
            ]
        ),
        validators=[InputRequired(_l("Choose agree or disagree."))],
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=TEXT_LIMIT)],
        description=_l("Required when you disagree: what you disagree with and why."),
    )


class SelfAssessmentForm(VersionedForm):
    reflection = TextAreaField(
        _l("Reflections"),
        validators=[Optional(), Length(max=TEXT_LIMIT)],
        description=_l("What went well, what did not, what you learnt."),
    )


class PeerSheetForm(VersionedForm):
    comment = TextAreaField(
        _l("Comment"),
        validators=[Optional(), Length(max=TEXT_LIMIT)],
        description=_l("Optional. The person sees only the averages, never your name or sheet."),
    )


STEP_NOTES = {
    "purpose": _l("What you said the interview is for"),
    "self_assessment": _l("Notes on the self-assessment"),
    "result": _l("Notes on the result"),
    "disagreement": _l("How you answered it"),
    "plan": _l("The improvement plan agreed"),
}


class InterviewForm(VersionedForm):
    disagreement = TextAreaField(
        _l("What the employee disagrees with"),
        validators=[Optional(), Length(max=TEXT_LIMIT)],
        description=_l("In the employee's words; it is kept with the appraisal."),
    )


def note_field_name(step: str) -> str:
    return f"note-{step}"


def rating_field_name(key: str) -> str:
    return f"rating-{key}"


def with_ratings(
    base: type[FlaskForm], spec: TemplateSpec, part: str, *, notes: bool = False
) -> type[FlaskForm]:
    """A form class with one field per criterion of `part` (label and scale from the template)."""
    fields: dict[str, Any] = {}
    for criterion in spec.criteria(part):
        low, high = criterion.get("scale", ["1", "5"])
        fields[rating_field_name(criterion["key"])] = StringField(
            criterion.get("label") or criterion["key"],
            description=_l("From %(low)s to %(high)s", low=low, high=high),
        )
    if notes:
        for step in INTERVIEW_STEPS:
            fields[note_field_name(step)] = TextAreaField(
                STEP_NOTES[step], validators=[Optional(), Length(max=TEXT_LIMIT)]
            )
    return type(f"{base.__name__}For{part.title()}", (base,), fields)


def ratings_data(form: FlaskForm) -> dict[str, str]:
    """The typed ratings as the services read them (``rating-<key>`` -> text)."""
    return {
        name: str(field.data or "")
        for name, field in form._fields.items()
        if name.startswith("rating-")
    }


def initial_ratings(ratings: dict[str, str]) -> dict[str, str]:
    """Stored ratings as form data."""
    return {rating_field_name(k): v for k, v in (ratings or {}).items()}


def step_of_field(name: str) -> str | None:
    """The interview step a field is filled in at (None for the form's own fields)."""
    if name.startswith("note-"):
        return name.removeprefix("note-")
    if name.startswith("rating-"):
        return "result"
    if name == "disagreement":
        return "disagreement"
    return None


def step_fields(form: FlaskForm) -> dict[str, list[str]]:
    """The interview form's fields by the step they belong to, in the order they are shown."""
    steps: dict[str, list[str]] = {step: [] for step in INTERVIEW_STEPS}
    for name in form._fields:
        step = step_of_field(name)
        if step in steps:
            steps[step].append(name)
    for fields in steps.values():  # the notes come after what the step itself asks for
        fields.sort(key=lambda name: name.startswith("note-"))
    return steps
