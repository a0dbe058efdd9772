"""People screens: list with search and paging, profile, create, edit, deactivate."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from okr.access import admin_required, ensure
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.org.access import can_view_person
from okr.org.models import Person
from okr.org.queries import department_path, department_paths, people_query
from okr.org.services import PersonData, create_person, normalise_email, set_active, update_person
from okr.people.blueprint import bp
from okr.people.filters import checked, in_departments, subtree
from okr.people.forms import PersonForm, SearchForm
from okr.web import form_errors, invalid_status, render


def _person_or_404(person_id: int) -> Person:
    # A query, not db.get_or_404: the signed-in person is already in the session without
    # their manager and department, and get() would hand them back without the eager loads.
    return db.one_or_404(
        select(Person)
        .where(Person.id == person_id)
        .options(db.joinedload(Person.department), db.joinedload(Person.manager))
    )


@bp.get("/")
@login_required
def index() -> Response:
    """One page of the people the viewer may see, by name, searched and filtered."""
    form = SearchForm(request.args)
    if not checked(form):
        return render("people/index.html", block="results", form=form, page=None, status=422)
    stmt = people_query(current_user, form.q.data or "", include_inactive=bool(form.inactive.data))
    stmt = stmt.where(in_departments(Person.department_id, subtree(form.department_id)))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False, count=True)
    return render("people/index.html", block="results", form=form, page=page)


@bp.get("/suggest")
@login_required
def suggest() -> Response:
    """Email suggestions for manager and head fields (a datalist fragment)."""
    q = (
        request.args.get("q")
        or request.args.get("manager_email")
        or request.args.get("head_email")
        or ""
    ).strip()
    people = (
        db.session.scalars(people_query(current_user, q).limit(10)).all() if len(q) >= 1 else []
    )
    return render("people/_suggest.html", people=people)


@bp.get("/<int:person_id>")
@login_required
def detail(person_id: int) -> Response:
    person = _person_or_404(person_id)
    ensure(can_view_person(current_user, person))
    reports = db.session.scalars(
        select(Person)
        .where(Person.manager_id == person.id)
        .options(db.joinedload(Person.department))
        .order_by(Person.active.desc(), Person.name)
    ).all()
    return render(
        "people/detail.html",
        person=person,
        reports=reports,
        path=department_path(person.department_id) or "" if person.department_id else "",
        toggle_form=ActionForm(version=person.version),
    )


def _department_choices() -> list[SelectChoice]:
    paths = department_paths()
    return options([(None, _("— Choose —")), *sorted(paths.items(), key=lambda item: item[1])])


def _person_data(form: PersonForm) -> PersonData:
    manager_id = None
    if form.manager_email.data:
        manager_id = db.session.scalar(
            select(Person.id).where(Person.email == normalise_email(form.manager_email.data))
        )
        if manager_id is None:
            raise Invalid({"manager_email": _("Nobody has this email address.")})
    return PersonData(
        name=form.name.data or "",
        email=form.email.data or "",
        position=form.position.data or "",
        department_id=form.department_id.data,
        manager_id=manager_id,
        is_admin=bool(form.is_admin.data),
    )


_FIELD_ALIASES = {"manager_id": "manager_email"}


def _attach(form: PersonForm, exc: Invalid) -> None:
    form_errors(form, Invalid({_FIELD_ALIASES.get(k, k): v for k, v in exc.errors.items()}))


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Response:
    form = PersonForm()
    form.department_id.choices = _department_choices()
    if request.method == "GET":
        form.department_id.data = request.args.get("department", type=int)
    if form.validate_on_submit():
        try:
            person = create_person(_person_data(form), form.password.data or None)
        except Invalid as exc:
            _attach(form, exc)
        else:
            flash(_("%(name)s was added.", name=person.name), "success")
            return redirect(url_for("people.detail", person_id=person.id), code=303)
    return render("people/form.html", form=form, person=None, status=invalid_status(form))


def _edit_form(person: Person) -> PersonForm:
    """The person's form: as stored when opened, as sent when saved."""
    form = PersonForm(obj=person)
    form.department_id.choices = _department_choices()
    if request.method == "GET":
        form.manager_email.data = person.manager.email if person.manager else ""
    return form


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(person_id: int) -> Response:
    person = _person_or_404(person_id)
    form = _edit_form(person)
    stale: Person | None = None
    if form.validate_on_submit():
        try:
            update_person(
                person,
                _person_data(form),
                form.opened_version,
                form.password.data or None,
            )
        except Invalid as exc:
            _attach(form, exc)
        except StaleEdit:
            stale = person
            form.version.data = str(person.version)
        else:
            flash(_("%(name)s was saved.", name=person.name), "success")
            return redirect(url_for("people.detail", person_id=person.id), code=303)
    return render(
        "people/form.html", form=form, person=person, stale=stale, status=invalid_status(form)
    )


@bp.post("/<int:person_id>/active")
@admin_required
def toggle_active(person_id: int) -> Response:
    person = db.get_or_404(Person, person_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            set_active(person, not person.active, form.opened_version, current_user)
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
        except StaleEdit:
            flash(
                _("This record was changed by someone else meanwhile; reload and try again."),
                "error",
            )
        else:
            if person.active:
                flash(_("%(name)s can sign in again.", name=person.name), "success")
            else:
                flash(
                    _(
                        "%(name)s was deactivated and can no longer sign in; their history is kept.",
                        name=person.name,
                    ),
                    "success",
                )
    return redirect(url_for("people.detail", person_id=person.id), code=303)
