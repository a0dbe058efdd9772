"""A cycle's calendar (HR): its check-in cadence and its planning and assessment windows."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from okr.access import admin_required
from okr.cycles.blueprint import bp
from okr.cycles.calendar import CADENCES, CycleCalendar, calendar_of, set_calendar, suggested
from okr.cycles.models import Cycle
from okr.domain.cadence import Cadence
from okr.errors import Invalid
from okr.extensions import db
from okr.forms import options
from okr.web import form_errors, render


class CalendarForm(FlaskForm):
    cadence = SelectField(
        _l("Check-ins"),
        choices=options((str(k), v) for k, v in CADENCES.items()),
        validate_choice=False,  # the service says why
        description=_l("How often people record progress; reminders follow it."),
    )
    planning_opens = DateField(_l("Planning opens"), validators=[Optional()])
    planning_closes = DateField(
        _l("Planning closes"),
        validators=[Optional()],
        description=_l("Goals are set top-down and agreed in this window."),
    )
    planning_binding = BooleanField(
        _l("The planning window is binding"),
        description=_l(
            "Off: the window guides (shown and reminded). On: outside it only HR adds or "
            "submits objectives."
        ),
    )
    assessment_opens = DateField(_l("Assessment opens"), validators=[Optional()])
    assessment_closes = DateField(
        _l("Assessment closes"),
        validators=[Optional()],
        description=_l("Results are assessed and reviewed in this window."),
    )
    require_aspects = BooleanField(
        _l("Each objective needs a quantity, a quality and a time target"),
        description=_l("Seed 002's rule (数量、质量、时限目标), checked when OKRs are submitted."),
    )
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


def _calendar_page(cycle: Cycle, form: CalendarForm, status: int = 200) -> Response:
    return render(
        "cycles/calendar.html",
        cycle=cycle,
        form=form,
        suggestion=suggested(cycle),
        cadences=CADENCES,
        status=status,
    )


@bp.get("/<int:cycle_id>/calendar")
@admin_required
def calendar(cycle_id: int) -> Response:
    cycle = db.get_or_404(Cycle, cycle_id)
    shown = calendar_of(cycle)
    if request.args.get("suggest") == "seed002":
        shown = suggested(cycle)
    form = CalendarForm(
        formdata=None,
        cadence=str(shown.cadence),
        planning_opens=shown.planning[0],
        planning_closes=shown.planning[1],
        planning_binding=cycle.planning_binding,
        assessment_opens=shown.assessment[0],
        assessment_closes=shown.assessment[1],
        require_aspects=cycle.require_aspects,
        version=cycle.version,
    )
    return _calendar_page(cycle, form)


@bp.post("/<int:cycle_id>/calendar")
@admin_required
def save_calendar(cycle_id: int) -> Response:
    cycle = db.get_or_404(Cycle, cycle_id)
    form = CalendarForm()
    if form.validate_on_submit():
        chosen = form.cadence.data
        try:
            set_calendar(
                cycle,
                CycleCalendar(
                    Cadence(chosen) if chosen in CADENCES else chosen,  # type: ignore[arg-type]
                    (form.planning_opens.data, form.planning_closes.data),
                    (form.assessment_opens.data, form.assessment_closes.data),
                    bool(form.planning_binding.data),
                ),
                form.version.data,
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            cycle.require_aspects = bool(form.require_aspects.data)
            flash(_("%(label)s's calendar saved.", label=cycle.label), "success")
            return redirect(url_for("cycles.index"), code=303)
    return _calendar_page(cycle, form, status=422)
