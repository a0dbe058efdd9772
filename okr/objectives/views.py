"""OKR sets (a person's, a department's, the company's) and objectives: view, submit, approve.

Adding, editing and deleting an objective are in edit_views.py.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.cycles.models import Cycle
from okr.cycles.queries import chosen_cycle, cycles
from okr.cycles.rules import plan_editable
from okr.cycles.windows import OutsideWindow
from okr.errors import Invalid
from okr.extensions import db
from okr.forms import ActionForm
from okr.labels import aspect_label
from okr.objectives import access
from okr.objectives.adjustment_views import adjustment_panel
from okr.objectives.approval import approval_of, decide_set, submit_set, weight_report
from okr.objectives.blueprint import bp
from okr.objectives.due import due_note
from okr.objectives.forms import DecisionForm
from okr.objectives.models import Objective, ObjectiveChange
from okr.objectives.queries import children_counts, load_set, waiting_for
from okr.objectives.signals import open_plan_items
from okr.org.models import Department, Person
from okr.web import render


def cycle_or_404() -> Cycle:
    """The cycle the page asks for (`?cycle=`), else the current one."""
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
    status: int = 200,
) -> Response:
    objectives = load_set(
        cycle,
        level,
        owner_id=owner.id if owner else None,
        department_id=department.id if department else None,
    )
    own = level == "individual" and owner is not None and owner.id == current_user.id
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
        can_edit=_may_edit_set(level, owner, department) and plan_editable(cycle),
        can_approve=bool(objectives) and access.can_approve(current_user, objectives[0]),
        waiting=waiting_for(current_user, cycle) if own else [],
        action=ActionForm(),
        decision=DecisionForm(),
        adjustments=adjustment_panel(current_user, cycle, owner) if owner else None,
        plan_items=open_plan_items(current_user, owner.id, cycle.start) if owner else [],
        status=status,
    )


def _render_own_set(objective: Objective, status: int) -> Response:
    """The set an objective belongs to, as its page shows it."""
    if objective.level == "individual":
        owner = db.one_or_404(
            db.select(Person)
            .where(Person.id == objective.owner_id)
            .options(db.joinedload(Person.department))
        )
        return _render_set(objective.cycle, "individual", owner.name, owner=owner, status=status)
    if objective.level == "department" and objective.department_id is not None:
        dept = db.get_or_404(Department, objective.department_id)
        return _render_set(objective.cycle, "department", dept.name, department=dept, status=status)
    return _render_set(objective.cycle, "company", _("Company"), status=status)


def _may_edit_set(level: str, owner: Person | None, department: Department | None) -> bool:
    """Whether the viewer may edit objectives of this set (asked of a sample objective in it)."""
    if level == "individual" and not owner:
        return False
    sample = Objective(
        level=level,
        owner_id=owner.id if owner else 0,
        department_id=department.id if department else None,
    )
    return access.can_edit(current_user, sample)


@bp.get("/people/<int:person_id>")
@login_required
def person(person_id: int) -> Response:
    owner = db.one_or_404(
        db.select(Person).where(Person.id == person_id).options(db.joinedload(Person.department))
    )
    probe = Objective(level="individual", owner_id=owner.id, department_id=owner.department_id)
    ensure(access.can_read(current_user, probe))
    return _render_set(cycle_or_404(), "individual", owner.name, owner=owner)


@bp.get("/departments/<int:department_id>")
@login_required
def department(department_id: int) -> Response:
    dept = db.get_or_404(Department, department_id)
    return _render_set(cycle_or_404(), "department", dept.name, department=dept)


@bp.get("/company")
@login_required
def company() -> Response:
    return _render_set(cycle_or_404(), "company", _("Company"))


bp.add_app_template_global(due_note)  # {{ due_note(kr.due_on, kr.progress) }}
bp.add_app_template_global(aspect_label)


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


def objective_or_404(objective_id: int) -> Objective:
    """An objective the viewer may read, with its cycle, owner, parent and key results."""
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
    obj = objective_or_404(objective_id)
    aligned, counted = _aligned(obj)
    from okr.objectives.explaining import explain_objective

    return render(
        "objectives/objective.html",
        objective=obj,
        aligned=aligned,
        changes=_changes(obj),
        explanation=explain_objective(obj, counted),
        can_edit=access.can_edit(current_user, obj) and plan_editable(obj.cycle),
        action=ActionForm(version=obj.version),
        approval=approval_of(obj, current_user),
        decision=DecisionForm(formdata=None),
    )


def _aligned(obj: Objective) -> tuple[list[Objective], list[object]]:
    """The objectives aligned to this one the viewer may open, and all of them as the progress
    explanation counts them (a private one untitled)."""
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
    counted: list[object] = [
        c if c.id in readable else SimpleNamespace(title=private, progress=c.progress)
        for c in children
    ]
    return aligned, counted


def _changes(obj: Objective) -> list[ObjectiveChange]:
    """The objective's audit lines, newest first (the last 50)."""
    return list(
        db.session.scalars(
            db.select(ObjectiveChange)
            .where(ObjectiveChange.objective_id == obj.id)
            .options(db.joinedload(ObjectiveChange.actor))
            .order_by(ObjectiveChange.at.desc())
            .limit(50)
        )
    )


@bp.post("/objectives/<int:objective_id>/submit")
@login_required
def submit(objective_id: int) -> Response:
    obj = objective_or_404(objective_id)
    ensure(access.can_edit(current_user, obj))
    if ActionForm().validate_on_submit():
        try:
            submit_set(obj, current_user)
        except OutsideWindow as exc:  # refused, not a problem to fix in the set: 422
            flash(exc.errors["_"], "error")
            return _render_own_set(obj, status=422)
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash(_("Submitted for approval."), "success")
    return redirect(set_url(obj), code=303)


@bp.post("/objectives/<int:objective_id>/decide")
@login_required
def decide(objective_id: int) -> Response:
    obj = objective_or_404(objective_id)
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
