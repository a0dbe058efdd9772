"""Adding, editing and deleting an objective; who may add one at a level, and what else they may."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.cycles.models import Cycle
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.objectives import access
from okr.objectives.blueprint import bp
from okr.objectives.forms import ObjectiveForm
from okr.objectives.models import Objective
from okr.objectives.queries import allowed_parents
from okr.objectives.services import (
    ObjectiveData,
    create_objective,
    delete_objective,
    update_objective,
)
from okr.objectives.views import cycle_or_404, objective_or_404, set_url
from okr.org.models import Department, Person
from okr.web import form_errors, invalid_status, refusal, render


def _new_owner() -> tuple[str, Person, Department | None]:
    level = request.args.get("level", "individual")
    if level == "individual":
        owner = db.get_or_404(Person, request.args.get("person", current_user.id, type=int))
        return level, owner, None
    if level == "department":
        department_id = request.args.get("department", type=int)
        if department_id is None:
            abort(404)
        dept = db.get_or_404(Department, department_id)
        head = db.session.get(Person, dept.head_id) if dept.head_id else None
        return level, head or current_user, dept
    if level == "company":
        return level, current_user, None
    abort(404)


def _objective_form_choices(
    form: ObjectiveForm,
    cycle: Cycle,
    level: str,
    department_id: int | None,
    own_id: int | None = None,
) -> None:
    parents = [p for p in allowed_parents(cycle, level, department_id) if p.id != own_id]
    labels = {"company": _("Company"), "department": _("Department")}
    form.parent_id.choices = options(
        [(None, _("— Not aligned —")), *((p.id, f"{labels[p.level]} · {p.title}") for p in parents)]
    )


def _flash_notices(notices: list[str]) -> None:
    """What an edit did to the set beyond itself (approval withdrawn ...): an alert, not a hint."""
    for notice in notices:
        flash(notice, "error")


def _objective_data(form: ObjectiveForm) -> ObjectiveData:
    return ObjectiveData(
        title=form.title.data or "",
        description=form.description.data or "",
        weight=form.weight.number,
        parent_id=form.parent_id.data,
        progress_rule=form.progress_rule.data,
        due_on=form.due_on.data,
    )


def _saved(message: str, obj: Objective, notices: list[str]) -> Response:
    flash(message, "success")
    _flash_notices(notices)
    return redirect(url_for("okrs.objective", objective_id=obj.id), code=303)


def _form_page(
    form: ObjectiveForm,
    cycle: Cycle,
    level: str,
    owner: Person,
    department: Department | None,
    objective: Objective | None,
    stale: bool = False,
) -> Response:
    return render(
        "objectives/objective_form.html",
        form=form,
        cycle=cycle,
        level=level,
        owner=owner,
        department=department,
        objective=objective,
        stale=stale,
        status=invalid_status(form),
    )


@bp.route("/objectives/new", methods=["GET", "POST"])
@login_required
def new_objective() -> Response:
    cycle = cycle_or_404()
    level, owner, dept = _new_owner()
    probe = Objective(
        level=level, owner_id=owner.id, department_id=dept.id if dept else owner.department_id
    )
    if not access.can_edit(current_user, probe):
        return _refuse_new(level, cycle)
    form = ObjectiveForm()
    _objective_form_choices(form, cycle, level, probe.department_id)
    if form.validate_on_submit():
        try:
            obj, notices = _create(form, cycle, level, owner, dept)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            return _saved(_("Objective added. Now add its key results."), obj, notices)
    return _form_page(form, cycle, level, owner, dept, None)


def _create(
    form: ObjectiveForm, cycle: Cycle, level: str, owner: Person, dept: Department | None
) -> tuple[Objective, list[str]]:
    """Add the form's objective to the owner's set; with what that did to the set."""
    notices: list[str] = []
    obj = create_objective(
        cycle,
        level,
        _objective_data(form),
        current_user,
        owner=owner,
        department=dept,
        notices=notices,
    )
    return obj, notices


def _refuse_new(level: str, cycle: Cycle) -> Response:
    """403 that says who adds objectives at this level and what the viewer can add instead."""
    hr = _hr_names()
    mine = (_("Add an objective of your own"), url_for("okrs.new_objective", cycle=cycle.id))
    links = []
    if level == "company":
        message = _(
            "Company objectives are added by HR administrators only. Ask %(hr)s to add it; "
            "then align your objectives to it.",
            hr=hr,
        )
        links = _company_links(cycle)
    elif level == "department":
        message = _(
            "A department's objectives are added by its head, the heads of the departments above "
            "it, and HR (%(hr)s). Ask them, or add your own objectives and align them to the "
            "department's.",
            hr=hr,
        )
    else:
        message = _(
            "You can add objectives for yourself and for the people who report to you; "
            "someone else's are added by them, their managers and HR (%(hr)s).",
            hr=hr,
        )
    return refusal(message, [*links, mine])


def _hr_names() -> str:
    """Up to three HR administrators by name, to ask."""
    return ", ".join(
        db.session.scalars(
            db.select(Person.name)
            .where(Person.is_admin, Person.active)
            .order_by(Person.name)
            .limit(3)
        )
    ) or _("HR")


def _company_links(cycle: Cycle) -> list[tuple[str, str]]:
    """What someone refused a company objective may open instead: their department's, the company's."""
    headed = db.session.scalar(
        db.select(Department).where(Department.head_id == current_user.id).limit(1)
    )
    links = []
    if headed is not None:
        links.append(
            (
                _("Add an objective for %(department)s", department=headed.name),
                url_for(
                    "okrs.new_objective",
                    cycle=cycle.id,
                    level="department",
                    department=headed.id,
                ),
            )
        )
    links.append((_("Company OKRs"), url_for("okrs.company", cycle=cycle.id)))
    return links


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@login_required
def edit_objective(objective_id: int) -> Response:
    obj = objective_or_404(objective_id)
    ensure(access.can_edit(current_user, obj))
    form = ObjectiveForm(obj=obj)
    _objective_form_choices(form, obj.cycle, obj.level, obj.department_id, obj.id)
    stale = False
    if form.validate_on_submit():
        try:
            notices = update_objective(
                obj, _objective_data(form), current_user, form.opened_version
            )
        except Invalid as exc:
            form_errors(form, exc)
        except StaleEdit:
            stale = True
            form.version.data = str(obj.version)
        else:
            return _saved(_("Objective saved."), obj, notices)
    return _form_page(form, obj.cycle, obj.level, obj.owner, None, obj, stale)


@bp.post("/objectives/<int:objective_id>/delete")
@login_required
def remove_objective(objective_id: int) -> Response:
    obj = objective_or_404(objective_id)
    ensure(access.can_edit(current_user, obj))
    form = ActionForm()
    target = set_url(obj)
    if form.validate_on_submit():
        try:
            notices = delete_objective(obj, current_user, form.opened_version)
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
            return redirect(url_for("okrs.objective", objective_id=obj.id), code=303)
        except StaleEdit:
            flash(_("Someone changed this objective meanwhile; nothing was deleted."), "error")
            return redirect(url_for("okrs.objective", objective_id=obj.id), code=303)
        flash(_("Objective deleted."), "success")
        _flash_notices(notices)
    return redirect(target, code=303)
