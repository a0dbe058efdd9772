"""Department tree screens (HR): create, rename, move, delete when empty."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from okr.access import admin_required
from okr.departments.blueprint import bp
from okr.departments.forms import DepartmentForm
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.org.models import Department, Person
from okr.org.queries import department_tree, flatten, suggest_departments
from okr.org.services import (
    create_department,
    delete_department,
    normalise_email,
    update_department,
)
from okr.web import form_errors, invalid_status, render


def _parent_choices(exclude: Department | None = None) -> list[SelectChoice]:
    choices: list[tuple[int | None, str]] = [(None, _("— Top level of the company —"))]
    for depth, node in flatten(department_tree()):
        if exclude is not None and node.department.id == exclude.id:
            continue
        choices.append((node.department.id, "\u3000" * depth + node.department.name))
    return options(choices)


def _head_id(form: DepartmentForm) -> int | None:
    if not form.head_email.data:
        return None
    head = db.session.scalar(
        select(Person.id).where(Person.email == normalise_email(form.head_email.data))
    )
    if head is None:
        raise Invalid({"head_email": _("Nobody has this email address.")})
    return head


@bp.get("/")
@admin_required
def index() -> Response:
    return render("departments/index.html", tree=department_tree(), delete_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Response:
    form = DepartmentForm()
    form.parent_id.choices = _parent_choices()
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent", type=int)
    if form.validate_on_submit():
        try:
            department = create_department(form.name.data, form.parent_id.data, _head_id(form))
        except Invalid as exc:
            form_errors(form, exc)
        else:
            flash(_("Department “%(name)s” created.", name=department.name), "success")
            return redirect(url_for("departments.index"), code=303)
    return render("departments/form.html", form=form, department=None, status=invalid_status(form))


def _department_or_404(department_id: int) -> Department:
    """A department with its head (whose email the form shows)."""
    return db.one_or_404(
        select(Department)
        .where(Department.id == department_id)
        .options(db.joinedload(Department.head))
    )


def _save(department: Department, form: DepartmentForm) -> None:
    """The form onto the department (Invalid or StaleEdit when refused)."""
    update_department(
        department,
        name=form.name.data,
        parent_id=form.parent_id.data,
        head_id=_head_id(form),
        version=form.opened_version,
    )


@bp.route("/<int:department_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(department_id: int) -> Response:
    department = _department_or_404(department_id)
    form = DepartmentForm(obj=department)
    form.parent_id.choices = _parent_choices(exclude=department)
    stale = False
    if request.method == "GET":
        form.head_email.data = department.head.email if department.head else ""
    if form.validate_on_submit():
        try:
            _save(department, form)
        except Invalid as exc:
            form_errors(form, exc)
        except StaleEdit:
            stale = True
            form.version.data = str(department.version)
        else:
            flash(_("Department “%(name)s” saved.", name=department.name), "success")
            return redirect(url_for("departments.index"), code=303)
    return render(
        "departments/form.html",
        form=form,
        department=department,
        stale=stale,
        status=invalid_status(form),
    )


@bp.post("/<int:department_id>/delete")
@admin_required
def delete(department_id: int) -> Response:
    department = db.get_or_404(Department, department_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            delete_department(department, form.opened_version)
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
        except StaleEdit:
            flash(
                _("This department was changed by someone else meanwhile; nothing was deleted."),
                "error",
            )
        else:
            flash(_("Department “%(name)s” deleted.", name=department.name), "success")
    return redirect(url_for("departments.index"), code=303)


@bp.get("/suggest")
@login_required
def suggest() -> Response:
    """Department paths matching what was typed (a datalist fragment for department filters)."""
    return render(
        "departments/_suggest.html", paths=suggest_departments(request.args.get("department", ""))
    )
