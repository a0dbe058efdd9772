"""KR templates per position: list, view, copy/edit/delete our own, apply to a person or a position."""

from __future__ import annotations

import re

import click
from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from okr.access import admin_required, ensure
from okr.cycles.models import Cycle
from okr.cycles.queries import cycles
from okr.cycles.services import current_cycle
from okr.errors import Invalid
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.kr_templates import access
from okr.kr_templates.blueprint import bp
from okr.kr_templates.forms import ApplyForm, TemplateForm
from okr.kr_templates.models import KRTemplate
from okr.kr_templates.queries import people_of_position
from okr.kr_templates.services import (
    ApplyResult,
    TemplateData,
    apply_template,
    copy_template,
    delete_template,
    kr_data,
    load_builtin_templates,
    save_template,
)
from okr.labels import status_label
from okr.objectives.forms import (  # the same reading as the key-result form
    hold_values,
    key_result_data,
)
from okr.objectives.rules import format_tiers, has_tier_gap
from okr.org.models import Department, Person
from okr.org.queries import department_paths
from okr.unit_of_work import reload_as_stored, unit_of_work
from okr.web import form_errors, invalid_status, render, wants_fragment

bp.add_app_template_global(format_tiers)

# Helpers -------------------------------------------------------------------------------


@bp.cli.command("load")
def load_command() -> None:
    """Create or refresh the built-in KR templates (seed 001's role sets)."""
    with unit_of_work():
        changed = load_builtin_templates()
    click.echo(f"Built-in KR templates loaded ({changed} created or updated).")


def _template_or_404(template_id: int) -> KRTemplate:
    ensure(access.may_use_templates(current_user))
    return db.get_or_404(KRTemplate, template_id)


def _editable_or_403(template_id: int) -> KRTemplate:
    template = db.get_or_404(KRTemplate, template_id)
    ensure(not template.built_in)
    return template


def _apply_form(template: KRTemplate, **defaults: object) -> ApplyForm:
    current = current_cycle()
    form = ApplyForm(cycle=current.id if current else None, position=template.position, **defaults)
    form.cycle.choices = options((c.id, f"{c.label} · {status_label(c.status)}") for c in cycles())
    allowed = access.departments_for(current_user)
    paths = sorted(department_paths().items(), key=lambda item: item[1])
    form.department.choices = options(
        [(None, _("— Choose —")), *((i, p) for i, p in paths if allowed is None or i in allowed)]
    )
    return form


def _detail_page(
    template: KRTemplate, form: ApplyForm, result: ApplyResult | None = None, status: int = 200
) -> Response:
    positions = db.session.scalars(
        select(Person.position).where(Person.active, Person.position != "").distinct()
    ).all()
    return render(
        "kr_templates/detail.html",
        block="apply",
        kr_template=template,
        total=sum((kr_data(item).weight for item in template.key_results), start=0),
        form=form,
        result=result,
        summary=_summary(result) if result else None,
        positions=sorted(positions),
        action=ActionForm(),
        status=status,
    )


def _targets(form: ApplyForm) -> list[Person]:
    """The people to apply to; 403 for people or departments outside the viewer's reach."""
    if form.scope.data == "person":
        email = (form.person.data or "").strip().lower()
        person = db.session.scalar(select(Person).where(Person.email == email, Person.active))
        if person is None:
            raise Invalid({"person": _("No active person has the email %(email)s.", email=email)})
        ensure(access.may_apply_to_person(current_user, person))
        return [person]
    if db.session.get(Department, form.department.data) is None:
        raise Invalid({"department": _("Choose a department.")})
    ensure(access.may_apply_to_department(current_user, form.department.data))
    people = people_of_position(form.department.data, form.position.data or "")
    if not people:
        raise Invalid(
            {
                "position": _(
                    "Nobody active there holds the position “%(position)s”.",
                    position=form.position.data.strip(),
                )
            }
        )
    return people


def _summary(result: ApplyResult) -> str:
    created = ngettext(
        "“%(title)s” created for %(num)d person.",
        "“%(title)s” created for %(num)d people.",
        len(result.created),
        title=result.title,
    )
    skipped = ngettext(
        "%(num)d already had it and was skipped.",
        "%(num)d already had it and were skipped.",
        len(result.skipped),
    )
    return f"{created} {skipped}"


_ROW_FIELD = re.compile(r"krs-(\d+)-(\w+)")


def _attach(form: TemplateForm, error: Invalid) -> None:
    """Service errors beside the fields: "krs-2-target" is row 3's target."""
    rest: dict[str, str] = {}
    for key, message in error.errors.items():
        match = _ROW_FIELD.fullmatch(key)
        field = None
        if match and int(match[1]) < len(form.krs.entries):
            field = form.krs.entries[int(match[1])].form._fields.get(match[2])
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            rest[key] = message
    form_errors(form, Invalid(rest))


def _template_data(form: TemplateForm) -> TemplateData:
    rows, errors = [], {}
    for index, entry in enumerate(form.krs.entries):
        try:
            rows.append(key_result_data(entry.form))
        except Invalid as exc:
            errors.update({f"krs-{index}-{name}": msg for name, msg in exc.errors.items()})
    if errors:
        raise Invalid(errors)
    return TemplateData(
        form.name.data or "", form.position.data or "", form.objective_title.data or "", rows
    )


def _form_page(form: TemplateForm, template: KRTemplate | None, status: int = 200) -> Response:
    return render("kr_templates/form.html", form=form, kr_template=template, status=status)


def _save(form: TemplateForm, template: KRTemplate | None) -> Response:
    """Add or remove a row (re-shown, nothing saved), or check everything and save."""
    if "add_row" in request.form and len(form.krs.entries) < form.krs.max_entries:
        form.krs.append_entry()
        return _form_page(form, template)
    remove = request.form.get("remove_row", type=int)
    if remove is not None and 0 <= remove < len(form.krs.entries) and len(form.krs.entries) > 1:
        form.krs.entries.pop(remove)
        return _form_page(form, template)
    if form.validate_on_submit():
        try:
            saved, warnings = save_template(template, _template_data(form))
        except Invalid as exc:
            _attach(form, exc)
        else:
            flash(_("Template saved."), "success")
            for warning in warnings:
                flash(warning, "info")
            return redirect(url_for("kr_templates.detail", template_id=saved.id), code=303)
    return _form_page(form, template, invalid_status(form))


def _form_data(template: KRTemplate) -> dict[str, object]:
    rows = [
        {
            **{k: v for k, v in item.items() if k != "tiers"},
            "direction": item.get("direction") or "up",
            "tiers": format_tiers(item.get("tiers") or []),
            "confirm_gaps": has_tier_gap(item.get("tiers") or []),  # stored: it was confirmed
            **hold_values(item.get("hold_scoring"), item.get("hold_strict")),
            "aspect": item.get("aspect") or "",
        }
        for item in template.key_results
    ]
    return {
        "name": template.name,
        "position": template.position,
        "objective_title": template.objective_title,
        "krs": rows,
    }


# Views ---------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Response:
    ensure(access.may_use_templates(current_user))
    templates = db.session.scalars(
        select(KRTemplate).order_by(KRTemplate.built_in.desc(), KRTemplate.name)
    ).all()
    return render(
        "kr_templates/index.html", templates=templates, person=request.args.get("person", type=int)
    )


@bp.get("/<int:template_id>")
@login_required
def detail(template_id: int) -> Response:
    template = _template_or_404(template_id)
    person = db.session.get(Person, request.args.get("person", 0, type=int))
    email = person.email if person and access.may_apply_to_person(current_user, person) else None
    return _detail_page(template, _apply_form(template, person=email))


@bp.post("/<int:template_id>/apply")
@login_required
def apply(template_id: int) -> Response:
    template = _template_or_404(template_id)
    form = _apply_form(template)
    result = None
    if form.validate_on_submit():
        try:
            cycle = db.session.get(Cycle, form.cycle.data) or abort(404)
            people = _targets(form)
            result = apply_template(template, cycle, people, form.weight.number, current_user)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            reload_as_stored()
            if not wants_fragment():
                flash(_summary(result), "success")
                for notice in result.notices:
                    flash(notice, "error")
                return redirect(url_for("kr_templates.detail", template_id=template.id), code=303)
    return _detail_page(template, form, result, 200 if result else invalid_status(form))


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Response:
    return _save(TemplateForm(), None)


@bp.route("/<int:template_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(template_id: int) -> Response:
    template = _editable_or_403(template_id)
    return _save(TemplateForm(data=_form_data(template)), template)


@bp.post("/<int:template_id>/copy")
@admin_required
def copy(template_id: int) -> Response:
    template = db.get_or_404(KRTemplate, template_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("kr_templates.detail", template_id=template.id), code=303)
    duplicate = copy_template(template)
    flash(_("Copied as “%(name)s”; edit it below.", name=duplicate.name), "success")
    return redirect(url_for("kr_templates.edit", template_id=duplicate.id), code=303)


@bp.post("/<int:template_id>/delete")
@admin_required
def delete(template_id: int) -> Response:
    template = _editable_or_403(template_id)
    if ActionForm().validate_on_submit():
        name = template.name
        delete_template(template)
        flash(_("Template “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("kr_templates.index"), code=303)
