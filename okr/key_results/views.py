"""Key results: add, edit, delete (while planning), each with its scoring rule checked."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.key_results.blueprint import bp
from okr.key_results.forms import SourcedKeyResultForm as KeyResultForm
from okr.key_results.sources import set_source
from okr.objectives import access
from okr.objectives.definition import KeyResultData
from okr.objectives.forms import hold_values, key_result_data
from okr.objectives.indicator_links import indicator_choices
from okr.objectives.models import KeyResult, Objective
from okr.objectives.rules import (
    format_tiers,
    has_tier_gap,
)
from okr.objectives.services import (
    add_key_result,
    delete_key_result,
    update_key_result,
)
from okr.web import form_errors, invalid_status, render


def _stored(kr: KeyResult) -> dict[str, object]:
    """A key result as its edit form shows it: tiers as typed text; a stored gap was confirmed."""
    names = ("version", "title", "unit", "kind", "weight", "start", "target", "step")
    values: dict[str, object] = {name: getattr(kr, name) for name in names}
    values |= {"points_per_step": kr.points_per_step, "max_points": kr.max_points}
    values["direction"] = kr.direction or "up"
    values["tiers"] = format_tiers(kr.tiers or [])
    values["confirm_gaps"] = has_tier_gap(kr.tiers or [])
    values |= {"source": kr.source, "source_key": kr.source_key or ""}
    values["indicator"] = kr.indicator or ""
    values |= {"aspect": kr.aspect or "", "due_on": kr.due_on}
    return values | hold_values(kr.hold_scoring, kr.hold_strict)


def _objective(objective_id: int) -> Objective:
    objective = db.get_or_404(
        Objective,
        objective_id,
        options=[db.joinedload(Objective.cycle), db.selectinload(Objective.key_results)],
    )
    ensure(access.can_edit(current_user, objective))
    return objective


def _after_save(
    warnings: list[str], message: str, objective_id: int, notices: Sequence[str] = ()
) -> Response:
    flash(message, "success")
    for notice in notices:  # approval withdrawn ...: an alert, not a hint
        flash(notice, "error")
    for warning in warnings:
        flash(warning, "info")
    return redirect(url_for("okrs.objective", objective_id=objective_id), code=303)


def _data(form: KeyResultForm) -> KeyResultData:
    """The form's definition and the indicator it feeds (checked by the services)."""
    data = key_result_data(form)
    data.indicator = form.indicator.data or None
    return data


def _form_page(
    form: KeyResultForm, objective: Objective, kr: KeyResult | None, stale: bool = False
) -> Response:
    form.indicator.choices = options([("", _("none")), *indicator_choices(objective)])
    return render(
        "key_results/form.html",
        form=form,
        objective=objective,
        kr=kr,
        stale=stale,
        status=invalid_status(form),
    )


@bp.route("/objectives/<int:objective_id>/key-results/new", methods=["GET", "POST"])
@login_required
def new(objective_id: int) -> Response:
    objective = _objective(objective_id)
    form = KeyResultForm()
    if form.validate_on_submit():
        notices: list[str] = []
        try:
            kr, warnings = add_key_result(objective, _data(form), current_user, notices=notices)
            set_source(kr, form.source.data, form.source_key.data or "")
        except Invalid as exc:
            form_errors(form, exc)
        else:
            return _after_save(warnings, _("Key result added."), objective.id, notices)
    return _form_page(form, objective, None)


@bp.route("/key-results/<int:kr_id>/edit", methods=["GET", "POST"])
@login_required
def edit(kr_id: int) -> Response:
    kr = db.get_or_404(
        KeyResult, kr_id, options=[db.joinedload(KeyResult.objective).joinedload(Objective.cycle)]
    )
    objective = _objective(kr.objective_id)
    form = KeyResultForm(data=_stored(kr))
    stale = False
    if form.validate_on_submit():
        notices: list[str] = []
        try:
            warnings = update_key_result(
                kr, _data(form), current_user, form.opened_version, notices=notices
            )
            set_source(kr, form.source.data, form.source_key.data or "")
        except Invalid as exc:
            form_errors(form, exc)
        except StaleEdit:
            stale = True
            form.version.data = str(kr.version)
        else:
            return _after_save(warnings, _("Key result saved."), objective.id, notices)
    return _form_page(form, objective, kr, stale)


@bp.post("/key-results/<int:kr_id>/delete")
@login_required
def delete(kr_id: int) -> Response:
    kr = db.get_or_404(KeyResult, kr_id)
    objective = _objective(kr.objective_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            notices = delete_key_result(kr, current_user, form.opened_version)
        except (Invalid, StaleEdit) as exc:
            message = (
                next(iter(exc.errors.values()))
                if isinstance(exc, Invalid)
                else _("Someone changed this key result meanwhile; nothing was deleted.")
            )
            flash(message, "error")
        else:
            flash(_("Key result deleted."), "success")
            for notice in notices:
                flash(notice, "error")
    return redirect(url_for("okrs.objective", objective_id=objective.id), code=303)
