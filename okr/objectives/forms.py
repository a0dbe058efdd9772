"""Forms for objectives, key results and check-ins."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from okr.errors import Invalid
from okr.forms import DecimalText, VersionedForm, optional_int, options
from okr.forms import required_number as _required_number
from okr.labels import ASPECTS, HOLD_EDGES, HOLD_KINDS, HOLD_SCORINGS, KR_KINDS, PROGRESS_RULES
from okr.objectives.definition import KeyResultData
from okr.objectives.rules import parse_tiers, tier_to_dict, typed_percent

MAX_POINTS = 1000
"""Points a key result can give (per-unit caps, points per step): far above any scheme's scale."""

NEEDS = {
    "increase": ("start", "target"),
    "decrease": ("start", "target"),
    "at_least": ("target",),
    "at_most": ("target",),
    "ratio": ("target",),
    "milestone": (),
    "per_unit": ("start", "step", "points_per_step", "max_points"),
    "tiers": (),
}
"""The numbers each kind of key result needs (the others are dropped)."""


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
    due_on = DateField(
        _l("Due date"),
        validators=[Optional()],
        description=_l("完成时间: within the cycle; its key results are due by then"),
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
    hold_scoring = SelectField(_l("Scoring"), choices=options(HOLD_SCORINGS), default="pass_fail")
    hold_strict = SelectField(_l("Edge"), choices=options(HOLD_EDGES), default="inclusive")
    aspect = SelectField(
        _l("Measures"),
        choices=options([("", _l("— Untagged —")), *ASPECTS]),
        default="",
        validate_choice=False,  # the service says why
        description=_l("What this key result measures of its objective"),
    )
    due_on = DateField(
        _l("Due date"),
        validators=[Optional()],
        description=_l("A time target is scored from the value on this day"),
    )


def hold_values(hold_scoring: str | None, hold_strict: bool | None) -> dict[str, str]:
    """A stored hold rule as the form shows it (other kinds: the form's defaults)."""
    return {
        "hold_scoring": hold_scoring or "pass_fail",
        "hold_strict": "strict" if hold_strict else "inclusive",
    }


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


def key_result_data(form: KeyResultForm) -> KeyResultData:
    """Read the form; fields a kind does not use are dropped, missing ones refused beside the field.

    The hold rule (scoring, edge) is read only for a hold kind: a select is always posted, even
    where the page hides it, so for the other kinds it is dropped like their unused numbers.
    """
    kind = form.kind.data
    errors = _missing_numbers(form, kind)
    tiers = _read_tiers(form, errors) if kind == "tiers" else None
    if errors:
        raise Invalid(errors)

    def number(name: str):
        return getattr(form, name).number if name in NEEDS[kind] else None

    return KeyResultData(
        title=form.title.data or "",
        unit=form.unit.data or "",
        kind=kind,
        weight=form.weight.number,
        start=number("start"),
        target=number("target"),
        step=number("step"),
        points_per_step=number("points_per_step"),
        direction=form.direction.data if kind == "per_unit" else None,
        max_points=number("max_points"),
        tiers=tiers,
        hold_scoring=form.hold_scoring.data if kind in HOLD_KINDS else None,
        hold_strict=kind in HOLD_KINDS and form.hold_strict.data == "strict",
        confirm_gaps=bool(form.confirm_gaps.data),
        aspect=form.aspect.data or None,
        due_on=form.due_on.data if hasattr(form, "due_on") else None,
        percent_typed=tuple(
            f
            for f in ("start", "target")
            if f in NEEDS[kind] and typed_percent(str(getattr(form, f).data or ""))
        ),
    )


def _missing_numbers(form: KeyResultForm, kind: str) -> dict[str, str]:
    """The numbers this kind needs that are empty (a field refused by its own check says so)."""
    return {
        name: _("Enter a number.")
        for name in NEEDS[kind]
        if (getattr(form, name).number is None or getattr(form, name).missing)
        and not getattr(form, name).errors
    }


def _read_tiers(form: KeyResultForm, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    """The typed tiers as stored; a line that is no tier, or no tier at all, goes to `errors`."""
    try:
        tiers = [tier_to_dict(t) for t in parse_tiers(form.tiers.data or "")]
    except ValueError as exc:
        errors["tiers"] = _("Line %(line)s is not a tier such as [2500, 3000) 3.", line=exc.args[0])
        return None
    if not tiers:
        errors["tiers"] = _("Enter at least one tier.")
    return tiers
