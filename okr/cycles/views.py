"""Cycles (HR): open the next period, move through planning -> running -> reviewing -> closed."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from okr.access import admin_required
from okr.cycles.blueprint import bp
from okr.cycles.calendar import CADENCES
from okr.cycles.models import Cycle, CycleChange
from okr.cycles.rules import STATUSES
from okr.cycles.services import (
    change_status,
    create_cycle,
    current_cycle,
    running_cycle,
    set_cap,
    set_current,
    set_template,
)
from okr.cycles.templates import TemplateChoice, default_template_id, template_choices
from okr.db import local_date, utcnow
from okr.errors import Invalid
from okr.extensions import db
from okr.forms import DecimalText, optional_int, options, required_number
from okr.org.models import Company
from okr.web import form_errors, invalid_status, render

KINDS = [
    ("quarter", _l("Quarter")),
    ("month", _l("Month")),
    ("half_year", _l("Half year")),
    ("year", _l("Year")),
]


class NewCycleForm(FlaskForm):
    kind = SelectField(_l("Length"), choices=options(KINDS))
    day = DateField(_l("Any day in the period"), validators=[InputRequired(_l("Choose a day."))])
    cap = DecimalText(
        _l("Attainment cap (%)"),
        validators=[required_number],
        default="100",
        description=_l("100 = no over-achievement; 120 lets key results count up to 120%."),
    )
    current = BooleanField(
        _l("Make it the current cycle"),
        description=_l(
            "The current cycle is the one My week, the OKR pages and the team views open with."
        ),
    )
    confirm = BooleanField(_l("Yes, make it current now"))
    template = SelectField(
        _l("Review template"),
        coerce=optional_int,
        validate_choice=False,  # the service says why a template cannot be named
        description=_l(
            "Its bonuses and deductions are what can be recorded in the cycle, and a review of "
            "the cycle opens with it."
        ),
    )


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=options((s, s) for s in STATUSES))
    reason = StringField(
        _l("Reason"), validators=[Optional()], description=_l("Needed to reopen; it is recorded.")
    )


class CapForm(FlaskForm):
    cap = DecimalText(_l("Attainment cap (%)"), validators=[required_number])


class TemplateForm(FlaskForm):
    template = SelectField(_l("Review template"), coerce=optional_int, validate_choice=False)


def _template_options(choices: list[TemplateChoice]) -> list[SelectChoice]:
    """No template yet, or one of these (a cycle's own may be a superseded version)."""
    return options([("", _("None yet")), *((c.id, c.label) for c in choices)])


class SettingsForm(FlaskForm):
    transparency = BooleanField(
        _l("Everyone in a department can read its members' individual OKRs")
    )


def _new_cycle_form(form: NewCycleForm | None, choices: list[TemplateChoice]) -> NewCycleForm:
    """The form as posted, else a fresh one: today, current when no cycle runs, okr-default."""
    if form is None:
        form = NewCycleForm(
            formdata=None,
            day=local_date(utcnow()),
            current=running_cycle() is None,
            template=default_template_id(choices),
        )
    form.template.choices = _template_options([c for c in choices if c.current])
    return form


def _page(
    form: NewCycleForm | None = None,
    status: int = 200,
    switching: tuple[Cycle, str] | None = None,
    cap_error: dict[str, object] | None = None,
    template_error: dict[str, object] | None = None,
) -> Response:
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.start.desc())).all()
    choices = template_choices({c.template_id for c in cycles if c.template_id})
    form = _new_cycle_form(form, choices)
    current = current_cycle()
    changes = db.session.scalars(
        select(CycleChange)
        .options(db.joinedload(CycleChange.actor))
        .order_by(CycleChange.at.desc())
        .limit(20)
    ).all()
    company = db.session.scalar(select(Company).limit(1))
    return render(
        "cycles/index.html",
        cycles=cycles,
        changes=changes,
        current=current,
        switching=switching,
        form=form,
        status_form=StatusForm(formdata=None),
        cap_form=CapForm(formdata=None),
        cap_error=cap_error,
        template_form=TemplateForm(formdata=None),
        template_choices=choices,
        template_names={c.id: c.label for c in choices},
        template_error=template_error,
        cadences=CADENCES,
        settings=SettingsForm(
            formdata=None, transparency=company.okr_transparency if company else False
        ),
        status=status,
    )


@bp.get("/")
@admin_required
def index() -> Response:
    return _page()


@bp.post("/")
@admin_required
def create() -> Response:
    form = NewCycleForm()
    form.template.choices = _template_options(template_choices())
    if form.validate_on_submit() and form.cap.number is not None:
        try:
            cycle = create_cycle(
                form.kind.data,
                form.day.data,
                form.cap.number / 100,
                form.current.data,
                confirmed=form.confirm.data,
                template_id=form.template.data,
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            flash(_("Cycle %(label)s opened for planning.", label=cycle.label), "success")
            return redirect(url_for("cycles.index"), code=303)
    return _page(form, status=invalid_status(form))


@bp.post("/<int:cycle_id>/status")
@admin_required
def status(cycle_id: int) -> Response:
    cycle = db.get_or_404(Cycle, cycle_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            change_status(cycle, form.status.data, current_user, form.reason.data or "")
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash(
                _(
                    "%(label)s is now %(status)s.",
                    label=cycle.label,
                    status=_status_word(cycle.status),
                ),
                "success",
            )
    return redirect(url_for("cycles.index"), code=303)


def _status_word(code: str) -> str:
    from okr.labels import status_label

    return status_label(code)


@bp.post("/<int:cycle_id>/current")
@admin_required
def current(cycle_id: int) -> Response:
    cycle = db.get_or_404(Cycle, cycle_id)
    if FlaskForm().validate_on_submit():
        try:
            set_current(cycle, confirmed=request.form.get("confirm") == "y")
        except Invalid as exc:  # a running cycle would be replaced: ask first
            return _page(status=422, switching=(cycle, exc.errors["current"]))
        flash(_("%(label)s is now the current cycle.", label=cycle.label), "success")
    return redirect(url_for("cycles.index"), code=303)


@bp.post("/<int:cycle_id>/cap")
@admin_required
def cap(cycle_id: int) -> Response:
    cycle = db.get_or_404(Cycle, cycle_id)
    form = CapForm()
    if form.validate_on_submit():
        try:
            set_cap(cycle, form.cap.number / 100, current_user)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            flash(_("Cap saved; progress was recomputed."), "success")
            return redirect(url_for("cycles.index"), code=303)
    # The table is shown again with the typed cap and its message beside it.
    messages = [*form.cap.errors, *form.form_errors]
    error = {
        "cycle": cycle.id,
        "value": form.cap.data or "",
        "message": " ".join(map(str, messages)),
    }
    return _page(status=422, cap_error=error)


@bp.post("/<int:cycle_id>/template")
@admin_required
def template(cycle_id: int) -> Response:
    cycle = db.get_or_404(Cycle, cycle_id)
    form = TemplateForm()
    form.template.choices = _template_options(template_choices({cycle.template_id or 0}))
    if form.validate_on_submit():
        try:
            set_template(cycle, form.template.data)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            flash(_("%(label)s's review template saved.", label=cycle.label), "success")
            return redirect(url_for("cycles.index"), code=303)
    messages = [*form.template.errors, *form.form_errors]
    error = {"cycle": cycle.id, "value": form.template.data, "message": " ".join(messages)}
    return _page(status=422, template_error=error)


@bp.post("/settings")
@admin_required
def settings() -> Response:
    form = SettingsForm()
    if form.validate_on_submit():
        company = db.session.scalar(select(Company).limit(1))
        if company is None:
            company = Company(name="")
            db.session.add(company)
        company.okr_transparency = bool(form.transparency.data)
        flash(_("Settings saved."), "success")
    return redirect(url_for("cycles.index"), code=303)
