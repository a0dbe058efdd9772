"""Review templates: list, view, copy, edit (a new version when in use), import, export, simulate.

HR changes templates; managers and department heads may read them and use the simulator.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import admin_required, ensure
from okr.domain.steps import Step
from okr.explain import NO_GLOSSARY, describe, word_list
from okr.extensions import db
from okr.labels import pct
from okr.review_templates import simulator
from okr.review_templates.blueprint import bp
from okr.review_templates.form_spec import (
    attach_problems,
    criteria_preview,
    form_data,
    json_only_parts,
    spec_data,
)
from okr.review_templates.forms import ButtonForm, ImportForm, TemplateForm
from okr.review_templates.services import (
    copy_template,
    current_templates,
    export_template,
    import_template,
    load_builtin_templates,
    may_read_templates,
    reviews_using,
    save_template,
    versions,
)
from okr.reviews.models import ReviewTemplate
from okr.reviews.scoring import Breakdown
from okr.reviews.services import spec_of
from okr.schemes.checks import TemplateInvalid, read_json, validate
from okr.schemes.format import TemplateSpec
from okr.schemes.scorecards import indicator_hint, label_words
from okr.uploads import over_upload_limit, too_large_message, too_large_page, upload_limit_hint
from okr.web import render

bp.add_app_template_filter(simulator.shown, "review_points")
bp.add_app_template_global(indicator_hint, "indicator_hint")
bp.add_app_template_global(lambda label, key: str(label_words(label, key)), "scheme_label")


@bp.app_template_global("review_step")
def step_sentence(step: Step, spec: TemplateSpec | None = None) -> str:
    """One derivation step as a sentence, keys named by the template's words."""
    return describe(step.code, step.params, spec.glossary() if spec else NO_GLOSSARY)


@bp.app_template_filter("review_pct")
def fraction_percent(value: object) -> str:
    """A fraction stored as exact text ("0.2") shown as a percentage ("20%")."""
    return pct(Decimal(str(value)))


def _reader() -> None:
    ensure(may_read_templates(current_user))


def _edit_page(
    form: TemplateForm,
    template: ReviewTemplate,
    sections: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Response:
    return render(
        "review_templates/edit.html",
        form=form,
        review_template=template,
        used_by=reviews_using([template.id]).get(template.id, []),
        sections=sections or {},
        preview=criteria_preview(form),
        json_only=word_list(json_only_parts(template.spec)),
        status=status,
    )


def _not_editable(template: ReviewTemplate) -> Response:
    """Built-in templates are copied, not edited; an old version leads to the current one."""
    if template.built_in:
        flash(_("Built-in templates cannot be changed; copy one and edit the copy."), "info")
        return redirect(url_for("review_templates.detail", template_id=template.id), code=303)
    current = versions(template)[0]
    return redirect(url_for("review_templates.edit", template_id=current.id), code=303)


# Pages -----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Response:
    _reader()
    templates = current_templates()
    return render(
        "review_templates/index.html",
        templates=templates,
        used_by=reviews_using(t.id for t in templates),
        action=ButtonForm(),
    )


@bp.get("/<int:template_id>")
@login_required
def detail(template_id: int) -> Response:
    _reader()
    template = db.get_or_404(ReviewTemplate, template_id)
    history = versions(template)
    return render(
        "review_templates/detail.html",
        review_template=template,
        spec=template.spec,
        history=history,
        used_by=reviews_using(t.id for t in history),
        action=ButtonForm(),
    )


@bp.get("/<int:template_id>/export")
@login_required
def export(template_id: int) -> Response:
    _reader()
    filename, text = export_template(db.get_or_404(ReviewTemplate, template_id))
    return Response(
        text,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/load")
@admin_required
def load() -> Response:
    if ButtonForm().validate_on_submit():
        changed = load_builtin_templates()
        flash(_("Built-in templates loaded (%(n)d created or updated).", n=changed), "success")
    if request.form.get("back") == "new-review":  # the hint on "Open a review" with no template
        return redirect(url_for("reviews.new"), code=303)
    return redirect(url_for("review_templates.index"), code=303)


@bp.post("/<int:template_id>/copy")
@admin_required
def copy(template_id: int) -> Response:
    template = db.get_or_404(ReviewTemplate, template_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("review_templates.detail", template_id=template.id), code=303)
    duplicate = copy_template(template)
    flash(_("Copied as “%(name)s”; edit it below.", name=duplicate.name), "success")
    return redirect(url_for("review_templates.edit", template_id=duplicate.id), code=303)


@bp.route("/<int:template_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(template_id: int) -> Response:
    template = db.get_or_404(ReviewTemplate, template_id)
    if request.method == "GET" and (template.built_in or template.retired):
        return _not_editable(template)
    form = TemplateForm(data=form_data(template.spec))
    for button, rows in (("add_band", form.bands), ("add_kind", form.kinds)):
        if button in request.form and len(rows.entries) < rows.max_entries:
            rows.append_entry()
            return _edit_page(form, template)
    if not form.validate_on_submit():
        return _edit_page(form, template, status=422 if form.is_submitted() else 200)
    try:
        saved, changed = save_template(
            template, spec_data(form, template.spec), form.base.data or None
        )
    except TemplateInvalid as exc:
        return _edit_page(form, template, attach_problems(form, exc.problems), 422)
    _flash_saved(saved, template, changed)
    return redirect(url_for("review_templates.detail", template_id=saved.id), code=303)


def _flash_saved(saved: ReviewTemplate, edited: ReviewTemplate, changed: bool) -> None:
    """Say what a save did: a new version (running reviews keep theirs), or a change in place."""
    if saved.id != edited.id:
        flash(
            _(
                "Saved as version %(new)d; reviews already running keep version %(old)d.",
                new=saved.version,
                old=edited.version,
            ),
            "success",
        )
    else:
        flash(_("Template saved.") if changed else _("Nothing changed."), "success")


@too_large_page("review_templates.import_")
def import_too_large() -> Response | None:
    """An upload over the limit: the import form again, the reason beside the field sent."""
    if not getattr(current_user, "is_admin", False):
        return None
    form = ImportForm(formdata=None)  # the request body is not read
    form.file.description = upload_limit_hint()
    (form.file if over_upload_limit() else form.text).errors = [too_large_message()]
    return render("review_templates/import.html", form=form, problems=[], status=413)


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_() -> Response:
    form = ImportForm()
    form.file.description = upload_limit_hint()
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        upload = form.file.data
        text = upload.read(1024 * 1024) if upload else (form.text.data or "").strip()
        try:
            if not text:
                raise TemplateInvalid([("_", _("Choose a file or paste the template JSON."))])
            template = import_template(text)
        except TemplateInvalid as exc:
            problems = exc.problems
        else:
            flash(_("Imported “%(name)s”.", name=template.name), "success")
            return redirect(url_for("review_templates.detail", template_id=template.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render("review_templates/import.html", form=form, problems=problems, status=status)


# Simulator -------------------------------------------------------------------------------


def _source(
    values: Any, choices: Any
) -> tuple[TemplateSpec | None, ReviewTemplate | None, list[tuple[str, str]]]:
    """The scheme to simulate: pasted JSON, else the chosen template, else the first one listed."""
    pasted = (values.get("spec_json") or "").strip()
    if pasted:
        try:
            return validate(read_json(pasted))[1], None, []
        except TemplateInvalid as exc:
            return None, None, [("spec_json", message) for _place, message in exc.problems]
    chosen = values.get("template", type=int)
    template = db.get_or_404(ReviewTemplate, chosen) if chosen else next(iter(choices()), None)
    return (spec_of(template) if template else None), template, []


def _raters(values: Any, spec: TemplateSpec | None) -> int:
    wanted = values.get("raters", type=int) or max(3, spec.domain.min_peer_raters if spec else 1)
    return max(1, min(simulator.MAX_RATERS, wanted + ("add_rater" in values)))


def _compute(
    spec: TemplateSpec, values: Any, raters: int
) -> tuple[Breakdown | None, list[tuple[str, str]]]:
    """The breakdown of the inputs sent, or their problems by form field."""
    try:
        inputs = simulator.read_inputs(spec, simulator.inputs_from_form(spec, values, raters))
        return simulator.simulate(spec, inputs), []
    except simulator.InputsInvalid as exc:
        return None, [(simulator.field_name(place), message) for place, message in exc.problems]


@bp.route("/simulate", methods=["GET", "POST"])
@login_required
def simulate() -> Response:
    """Try a scheme on sample inputs: nothing is written, only the template is read."""
    _reader()
    values = request.form if request.method == "POST" else request.args
    choices = functools.cache(current_templates)  # loaded only where the page lists them
    spec, template, problems = _source(values, choices)
    raters, breakdown = _raters(values, spec), None
    if spec is not None and request.method == "POST" and not {"reload", "add_rater"} & set(values):
        breakdown, problems = _compute(spec, values, raters)
    errors: dict[str, list[str]] = {}
    for place, message in problems:
        errors.setdefault(place, []).append(message)
    response = render(
        "review_templates/simulate.html",
        block="result" if breakdown else "simulator",
        status=422 if problems else 200,
        **{"spec": spec, "review_template": template, "templates": choices, "values": values},
        **{"raters": raters, "errors": errors, "breakdown": breakdown},
        free_rows=simulator.FREE_ROWS,
        lines=simulator.derivation(spec, breakdown) if spec and breakdown else [],
    )
    if problems:  # the inputs come back with their messages, in place of the result
        response.headers["HX-Retarget"], response.headers["HX-Reswap"] = "#simulator", "outerHTML"
    return response
