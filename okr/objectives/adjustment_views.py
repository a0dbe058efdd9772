"""Bonuses and deductions on a person's cycle: the section on their OKR page, add and delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from okr.access import ensure
from okr.cycles.models import Cycle
from okr.cycles.queries import chosen_cycle
from okr.cycles.templates import CycleScheme, scheme_for
from okr.errors import Invalid
from okr.extensions import db
from okr.forms import ActionForm, DecimalText
from okr.objectives import adjustments as service
from okr.objectives.adjustments import (
    MAX_COUNT,
    adjustments_of,
    can_manage,
    kind_options,
    may_delete,
    signed,
    total_points,
)
from okr.objectives.blueprint import bp
from okr.objectives.models import Adjustment
from okr.org.models import Person
from okr.unit_of_work import reload_as_stored
from okr.web import form_errors, invalid_status, render, wants_fragment

FREE_FORM = ""
"""The kind select's value for "Other (free-form)"."""


def whole_count(form: FlaskForm, field: Field) -> None:
    """The count is a whole number (the service says how many are allowed)."""
    try:
        int(str(field.data or "").strip())
    except ValueError:
        raise ValidationError(_("Enter a whole number from 1 to %(max)s.", max=MAX_COUNT)) from None


class AdjustmentForm(FlaskForm):
    kind = SelectField(_l("Bonus or deduction"), validate_choice=False)
    count = StringField(_l("How many"), default="1", validators=[whole_count])
    points = DecimalText(
        _l("Points"),
        description=_l(
            "Only for a kind with a range (each one's points, e.g. -3) or a free-form one"
            " (its total: + for a bonus, − for a deduction)."
        ),
    )
    reason = StringField(_l("Reason"), validators=[InputRequired(_l("Say why.")), Length(max=300)])


@dataclass
class AdjustmentRow:
    """A recorded adjustment as the section lists it."""

    item: Adjustment
    kind: str  # the template's label, or "Free-form"
    times: str | None  # "2 × −0.5"; None for a free-form one


@dataclass
class AdjustmentPanel:
    """What the bonuses-and-deductions section shows to one viewer."""

    person: Person
    cycle: Cycle
    rows: list[AdjustmentRow]
    total: Decimal
    can_add: bool
    form: AdjustmentForm
    scheme: CycleScheme | None
    deletable: set[int] = field(default_factory=set)
    error: str | None = None


def _rows(items: list[Adjustment], scheme: CycleScheme | None) -> list[AdjustmentRow]:
    labels = scheme.spec.glossary().kinds if scheme else {}
    return [
        AdjustmentRow(a, _("Streak rule"), None)
        if a.streak_action_id is not None
        else AdjustmentRow(a, _("Free-form"), None)
        if a.kind is None
        else AdjustmentRow(
            a, labels.get(a.kind, a.kind), f"{a.count} × {signed(a.points / a.count)}"
        )
        for a in items
    ]


def _with_kinds(form: AdjustmentForm, scheme: CycleScheme | None) -> AdjustmentForm:
    """The kind select lists the template's kinds; ranged and free-form ones take points."""
    found = kind_options(scheme.spec) if scheme else []
    form.kind.choices = [
        SelectChoice(
            o.key or FREE_FORM, o.label, {"data-points": "typed"} if o.needs_points else {}
        )
        for o in found
    ]
    return form


def adjustment_panel(
    viewer: Person,
    cycle: Cycle,
    person: Person,
    form: AdjustmentForm | None = None,
    error: str | None = None,
) -> AdjustmentPanel | None:
    """The section for a person's set page, or None for readers outside the person and their chain."""
    manage = can_manage(viewer, person)
    if not manage and viewer.id != person.id:
        return None
    items = adjustments_of(cycle, person)
    scheme = scheme_for(cycle, person.id)
    writable = manage and cycle.status != "closed"
    if form is not None and not writable and form.form_errors:
        error = error or " ".join(form.form_errors)  # the form is not shown: say why here
    return AdjustmentPanel(
        person,
        cycle,
        _rows(items, scheme),
        total_points(items),
        writable,
        _with_kinds(form or AdjustmentForm(formdata=None), scheme),
        scheme,
        {a.id for a in items if writable and may_delete(viewer, a)},
        error,
    )


def _section(panel: AdjustmentPanel | None, status: int = 200) -> Response:
    return render("objectives/adjustments.html", block="section", panel=panel, status=status)


def _done(person: Person, cycle: Cycle, message: str) -> Response:
    """htmx gets the refreshed section; a plain form goes back to the person's OKR page."""
    if wants_fragment():
        return _section(adjustment_panel(current_user, cycle, person))
    flash(message, "success")
    return redirect(
        url_for("okrs.person", person_id=person.id, cycle=cycle.id, _anchor="adjustments"),
        code=303,
    )


def _person_and_cycle(person_id: int) -> tuple[Person, Cycle]:
    person = db.get_or_404(Person, person_id)
    cycle = chosen_cycle(request.args.get("cycle", type=int))
    if cycle is None:
        abort(404)
    return person, cycle


@bp.get("/people/<int:person_id>/adjustments")
@login_required
def adjustments(person_id: int) -> Response:
    person, cycle = _person_and_cycle(person_id)
    panel = adjustment_panel(current_user, cycle, person)
    ensure(panel is not None)
    return _section(panel)


@bp.post("/people/<int:person_id>/adjustments")
@login_required
def add_adjustment(person_id: int) -> Response:
    person, cycle = _person_and_cycle(person_id)
    ensure(can_manage(current_user, person))
    form = AdjustmentForm()
    if form.validate_on_submit():
        try:
            service.add_adjustment(
                cycle,
                person,
                current_user,
                reason=form.reason.data or "",
                kind=form.kind.data or None,
                count=int(str(form.count.data).strip()),
                points=form.points.number,
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            reload_as_stored()
            return _done(person, cycle, _("Recorded."))
    return _section(adjustment_panel(current_user, cycle, person, form), invalid_status(form))


@bp.post("/adjustments/<int:adjustment_id>/delete")
@login_required
def delete_adjustment(adjustment_id: int) -> Response:
    adjustment = db.get_or_404(Adjustment, adjustment_id)
    person = db.session.get(Person, adjustment.person_id)
    cycle = db.session.get(Cycle, adjustment.cycle_id)
    assert person is not None and cycle is not None
    ensure(can_manage(current_user, person) and may_delete(current_user, adjustment))
    if ActionForm().validate_on_submit():
        try:
            service.delete_adjustment(adjustment, cycle)
        except Invalid as exc:
            message = next(iter(exc.errors.values()))
            if wants_fragment():
                return _section(adjustment_panel(current_user, cycle, person, error=message), 422)
            flash(message, "error")
            return redirect(url_for("okrs.person", person_id=person.id, cycle=cycle.id), code=303)
        reload_as_stored()
    return _done(person, cycle, _("Deleted."))
