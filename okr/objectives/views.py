"""OKR sets (a person's, a department's, the company's) and objectives: view, edit, submit, approve."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.cycles.models import Cycle
from okr.cycles.queries import chosen_cycle, cycles
from okr.cycles.rules import plan_editable
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.objectives import access
from okr.objectives.adjustment_views import adjustment_panel
from okr.objectives.approval import approval_of, decide_set, submit_set, weight_report
from okr.objectives.blueprint import bp
from okr.objectives.forms import DecisionForm, ObjectiveForm
from okr.objectives.models import Objective, ObjectiveChange
from okr.objectives.queries import children_counts, load_set, waiting_for
from okr.objectives.services import (
    ObjectiveData,
    allowed_parents,
    create_objective,
    delete_objective,
    update_objective,
)
from okr.objectives.signals import open_plan_items
from okr.org.models import Department, Person
from okr.web import form_errors, invalid_status, refusal, render


def _cycle_or_404() -> Cycle:
    cycle = chosen_cycle(request.args.get("cycle", type=int))
    if cycle is None:
        abort(404)
    return cycle


@bp.get("/")
@login_required
def index() -> Response:
    """My OKRs in the current cycle."""
    if chosen_cycle(None) is None:
        return render("objectives/no_cycle.html")
    return redirect(url_for("okrs.person", person_id=current_user.id, **request.args))


def _render_set(
    cycle: Cycle,
    level: str,
    title: str,
    *,
    owner: Person | None = None,
    department: Department | None = None,
) -> Response:
    objectives = load_set(
        cycle,
        level,
        owner_id=owner.id if owner else None,
        department_id=department.id if department else None,
    )
    sample = Objective(
        level=level,
        owner_id=owner.id if owner else 0,
        department_id=department.id if department else None,
    )
    can_edit = access.can_edit(current_user, sample) if level != "individual" or owner else False
    return render(
        "objectives/set.html",
        cycle=cycle,
        cycles=cycles(),
        level=level,
        title=title,
        owner=owner,
        department=department,
        objectives=objectives,
        children=children_counts([o.id for o in objectives]),
        report=weight_report(objectives) if objectives else None,
        can_edit=can_edit and plan_editable(cycle),
        can_approve=bool(objectives) and access.can_approve(current_user, objectives[0]),
        waiting=waiting_for(current_user, cycle)
        if level == "individual" and owner and owner.id == current_user.id
        else [],
        action=ActionForm(),
        decision=DecisionForm(),
        adjustments=adjustment_panel(current_user, cycle, owner) if owner else None,
        plan_items=open_plan_items(current_user, owner.id, cycle.start) if owner else [],
    )


@bp.get("/people/<int:person_id>")
@login_required
def person(person_id: int) -> Response:
    owner = db.one_or_404(
        db.select(Person).where(Person.id == person_id).options(db.joinedload(Person.department))
    )
    probe = Objective(level="individual", owner_id=owner.id, department_id=owner.department_id)
    ensure(access.can_read(current_user, probe))
    return _render_set(_cycle_or_404(), "individual", owner.name, owner=owner)


@bp.get("/departments/<int:department_id>")
@login_required
def department(department_id: int) -> Response:
    dept = db.get_or_404(Department, department_id)
    return _render_set(_cycle_or_404(), "department", dept.name, department=dept)


@bp.get("/company")
@login_required
def company() -> Response:
    return _render_set(_cycle_or_404(), "company", _("Company"))


@bp.app_template_global()
def set_url(objective: Objective) -> str:
    """Where an objective's set is shown."""
    if objective.level == "individual":
        return url_for("okrs.person", person_id=objective.owner_id, cycle=objective.cycle_id)
    if objective.level == "department":
        return url_for(
            "okrs.department", department_id=objective.department_id, cycle=objective.cycle_id
        )
    return url_for("okrs.company", cycle=objective.cycle_id)


def _load_objective(objective_id: int) -> Objective:
    objective = db.get_or_404(
        Objective,
        objective_id,
        options=[
            db.joinedload(Objective.cycle),
            db.joinedload(Objective.owner),
            db.joinedload(Objective.parent),
            db.selectinload(Objective.key_results),
        ],
    )
    ensure(access.can_read(current_user, objective))
    return objective


@bp.get("/objectives/<int:objective_id>")
@login_required
def objective(objective_id: int) -> Response:
    obj = _load_objective(objective_id)
    children = (
        db.session.scalars(
            db.select(Objective)
            .where(Objective.parent_id == obj.id)
            .options(db.joinedload(Objective.owner))
            .order_by(Objective.level, Objective.title)
        )
        .unique()
        .all()
    )
    # One query for what the viewer may open (not a chain lookup per child); every child still
    # counts in the explanation, untitled when private, so it matches the progress shown.
    readable = set(
        db.session.scalars(
            db.select(Objective.id).where(
                Objective.parent_id == obj.id, access.readable_clause(current_user)
            )
        )
    )
    aligned = [child for child in children if child.id in readable]
    private = _("an individual objective you cannot open")
    counted = [
        c if c.id in readable else SimpleNamespace(title=private, progress=c.progress)
        for c in children
    ]
    changes = db.session.scalars(
        db.select(ObjectiveChange)
        .where(ObjectiveChange.objective_id == obj.id)
        .options(db.joinedload(ObjectiveChange.actor))
        .order_by(ObjectiveChange.at.desc())
        .limit(50)
    ).all()
    from okr.objectives.explaining import explain_objective

    return render(
        "objectives/objective.html",
        objective=obj,
        aligned=aligned,
        changes=changes,
        explanation=explain_objective(obj, counted),
        can_edit=access.can_edit(current_user, obj) and plan_editable(obj.cycle),
        action=ActionForm(version=obj.version),
        approval=approval_of(obj, current_user),
        decision=DecisionForm(formdata=None),
    )


def _new_owner() -> tuple[str, Person, Department | None]:
    level = request.args.get("level", "individual")
    if level == "individual":
        owner = db.get_or_404(Person, request.args.get("person", current_user.id, type=int))
        return level, owner, None
    if level == "department":
        dept = db.get_or_404(Department, request.args.get("department", type=int))
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
    )


@bp.route("/objectives/new", methods=["GET", "POST"])
@login_required
def new_objective() -> Response:
    cycle = _cycle_or_404()
    level, owner, dept = _new_owner()
    probe = Objective(
        level=level, owner_id=owner.id, department_id=dept.id if dept else owner.department_id
    )
    if not access.can_edit(current_user, probe):
        return _refuse_new(level, cycle)
    form = ObjectiveForm()
    _objective_form_choices(form, cycle, level, probe.department_id)
    if form.validate_on_submit():
        notices: list[str] = []
        try:
            obj = create_objective(
                cycle,
                level,
                _objective_data(form),
                current_user,
                owner=owner,
                department=dept,
                notices=notices,
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            flash(_("Objective added. Now add its key results."), "success")
            _flash_notices(notices)
            return redirect(url_for("okrs.objective", objective_id=obj.id), code=303)
    return render(
        "objectives/objective_form.html",
        form=form,
        cycle=cycle,
        level=level,
        owner=owner,
        department=dept,
        objective=None,
        status=invalid_status(form),
    )


def _refuse_new(level: str, cycle: Cycle) -> Response:
    """403 that says who adds objectives at this level and what the viewer can add instead."""
    hr = ", ".join(
        db.session.scalars(
            db.select(Person.name)
            .where(Person.is_admin, Person.active)
            .order_by(Person.name)
            .limit(3)
        )
    ) or _("HR")
    mine = (_("Add an objective of your own"), url_for("okrs.new_objective", cycle=cycle.id))
    headed = db.session.scalar(
        db.select(Department).where(Department.head_id == current_user.id).limit(1)
    )
    links = []
    if level == "company":
        message = _(
            "Company objectives are added by HR administrators only. Ask %(hr)s to add it; "
            "then align your objectives to it.",
            hr=hr,
        )
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


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@login_required
def edit_objective(objective_id: int) -> Response:
    obj = _load_objective(objective_id)
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
            flash(_("Objective saved."), "success")
            _flash_notices(notices)
            return redirect(url_for("okrs.objective", objective_id=obj.id), code=303)
    return render(
        "objectives/objective_form.html",
        form=form,
        cycle=obj.cycle,
        level=obj.level,
        owner=obj.owner,
        department=None,
        objective=obj,
        stale=stale,
        status=invalid_status(form),
    )


@bp.post("/objectives/<int:objective_id>/delete")
@login_required
def remove_objective(objective_id: int) -> Response:
    obj = _load_objective(objective_id)
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


@bp.post("/objectives/<int:objective_id>/submit")
@login_required
def submit(objective_id: int) -> Response:
    obj = _load_objective(objective_id)
    ensure(access.can_edit(current_user, obj))
    if ActionForm().validate_on_submit():
        try:
            submit_set(obj, current_user)
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash(_("Submitted for approval."), "success")
    return redirect(set_url(obj), code=303)


@bp.post("/objectives/<int:objective_id>/decide")
@login_required
def decide(objective_id: int) -> Response:
    obj = _load_objective(objective_id)
    ensure(access.can_approve(current_user, obj))
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    if form.validate_on_submit():
        try:
            decide_set(obj, current_user, approve, form.comment.data or "")
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash(_("Approved.") if approve else _("Returned with your comment."), "success")
    if request.form.get("back") == "objective":  # decided on the objective's own page
        return redirect(url_for("okrs.objective", objective_id=obj.id), code=303)
    return redirect(set_url(obj), code=303)
