"""One appraisal: the page, the self-assessment, choosing peer raters, acknowledging.

The person sees their OKR results beside their self-assessment, and their scores once released;
their management chain and HR see the full breakdown. Every write re-checks who is asking.
The interview has its own page (interview_views.py).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from okr.access import ensure
from okr.appraisals import queries as q
from okr.appraisals.blueprint import bp
from okr.appraisals.indicators import (
    indicator_data,
    initial_indicators,
    self_points_context,
    self_sections,
    with_indicators,
)
from okr.appraisals.services import acknowledge as acknowledge_result
from okr.appraisals.services import assign_rater, save_self_assessment, unassign_rater
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.org.models import Person
from okr.reviews import access
from okr.reviews.display import scores_of, sheet
from okr.reviews.forms import (
    AcknowledgeForm,
    AssignRaterForm,
    SelfAssessmentForm,
    initial_ratings,
    ratings_data,
    with_ratings,
)
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.queries import inputs_of, plan_url
from okr.reviews.services import spec_of
from okr.unit_of_work import reload_as_stored
from okr.web import form_errors, invalid_status, render, wants_fragment


def viewable_appraisal(appraisal_id: int) -> Appraisal:
    """The appraisal for someone who may see it: the person, their chain, HR."""
    appraisal = q.load_appraisal(appraisal_id)
    ensure(access.can_view(current_user, appraisal))
    return appraisal


def reload_stale(form: FlaskForm, appraisal_id: int) -> Appraisal:
    """After a refused stale save: reload, keep what was typed, point the form at the new version."""
    db.session.rollback()
    appraisal = viewable_appraisal(appraisal_id)
    form.version.data = str(appraisal.version)
    form.form_errors.append(
        _(
            "Someone saved this appraisal after you opened it. Your entries are kept below: check them and save again."
        )
    )
    return appraisal


def _self_form(appraisal: Appraisal, posted: bool = False) -> FlaskForm:
    """The self-assessment form: as typed when posted, else the saved draft."""
    spec = spec_of(appraisal.review.template)
    form_class = with_indicators(
        with_ratings(SelfAssessmentForm, spec, "self"), spec, self_sections(spec)
    )
    if posted:
        return form_class()
    data = {
        **initial_ratings(appraisal.self_ratings),
        **initial_indicators(appraisal.self_indicator_values),
        "reflection": appraisal.self_reflection,
    }
    return form_class(formdata=None, data=data, version=appraisal.version)


def _raters(
    appraisal: Appraisal, form: AssignRaterForm | None = None, error: str | None = None
) -> dict[str, Any] | None:
    """The rater panel for the chain and HR (None for anyone else or templates without peers)."""
    if not access.can_assign_peers(current_user, appraisal):
        return None
    if not spec_of(appraisal.review.template).criteria("peer"):
        return None
    forms = q.raters_of(appraisal)
    choices = q.suggestions(appraisal, [f.rater_id for f in forms])
    form = form or AssignRaterForm(formdata=None)
    form.rater.choices = options(
        [("", _("Choose a colleague")), *((p.id, p.name) for p in choices)]
    )
    return {
        "forms": forms,
        "form": form,
        "action": ActionForm(formdata=None),
        "open": not q.appraisal_locked(appraisal),
        "error": error,
    }


def _page(
    appraisal: Appraisal,
    block: str | None = None,
    status: int = 200,
    *,
    self_form: FlaskForm | None = None,
    ack_form: AcknowledgeForm | None = None,
    raters: dict[str, Any] | None = None,
    saved: str | None = None,
) -> Response:
    """The appraisal page (or one of its sections for htmx) as the signed-in viewer may see it."""
    spec = spec_of(appraisal.review.template)
    inputs = inputs_of(appraisal.review, [appraisal], with_key_results=True)[appraisal.id]
    sees = access.sees_scores(current_user, appraisal)
    if self_form is None and q.self_editable(current_user, appraisal):
        self_form = _self_form(appraisal)
    if ack_form is None and q.can_acknowledge(current_user, appraisal):
        ack_form = AcknowledgeForm(formdata=None, version=appraisal.version)
    return render(
        "appraisals/show.html",
        block=block,
        status=status,
        appraisal=appraisal,
        review=appraisal.review,
        spec=spec,
        objectives=inputs.objectives,
        is_person=current_user.id == appraisal.person_id,
        self_form=self_form,
        self_sheet=sheet(spec, "self", appraisal.self_ratings),
        **self_points_context(spec, appraisal, current_user.id, sees),
        scores=scores_of(spec, appraisal, inputs) if sees else None,
        ack_form=ack_form,
        raters=raters or _raters(appraisal),
        interviews=access.can_interview(current_user, appraisal) or current_user.is_admin,
        plan_url=plan_url(appraisal.id) if sees else None,
        records=sees,
        saved=saved,
    )


@bp.get("/<int:appraisal_id>")
@login_required
def show(appraisal_id: int) -> Response:
    return _page(viewable_appraisal(appraisal_id))


@bp.post("/<int:appraisal_id>/self")
@login_required
def self_assessment(appraisal_id: int) -> Response:
    """The person saves a draft or submits; bad or missing ratings come back beside the field."""
    appraisal = viewable_appraisal(appraisal_id)
    ensure(current_user.id == appraisal.person_id)
    form = _self_form(appraisal, posted=True)
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        try:
            save_self_assessment(
                appraisal,
                spec_of(appraisal.review.template),
                {**ratings_data(form), **indicator_data(form)},
                form.reflection.data or "",
                submit,
                form.opened_version,
            )
        except Invalid as exc:
            form_errors(form, exc)
        except StaleEdit:
            appraisal = reload_stale(form, appraisal_id)
        else:
            message = _("Self-assessment submitted.") if submit else _("Draft saved.")
            return _saved(appraisal_id, "self", message, shown=message)
    return _page(appraisal, block="self_section", status=invalid_status(form), self_form=form)


@bp.post("/<int:appraisal_id>/acknowledge")
@login_required
def acknowledge(appraisal_id: int) -> Response:
    """The person agrees, or records what they disagree with; then the appraisal is locked."""
    appraisal = viewable_appraisal(appraisal_id)
    ensure(current_user.id == appraisal.person_id)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            acknowledge_result(
                appraisal,
                current_user,
                form.answer.data == "agree",
                form.note.data or "",
                form.opened_version,
            )
        except Invalid as exc:
            form_errors(form, exc)
        except StaleEdit:
            appraisal = reload_stale(form, appraisal_id)
        else:
            return _saved(appraisal_id, "acknowledge", _("Your answer is recorded."))
    return _page(appraisal, block="acknowledge_section", status=invalid_status(form), ack_form=form)


def _saved(appraisal_id: int, section: str, message: str, shown: str | None = None) -> Response:
    """After a save: back to the section on the page, or (htmx) the section as stored now."""
    reload_as_stored()
    if not wants_fragment():
        flash(message, "success")
        return redirect(
            url_for(".show", appraisal_id=appraisal_id, _anchor=f"{section}-{appraisal_id}"), 303
        )
    return _page(viewable_appraisal(appraisal_id), block=f"{section}_section", saved=shown)


# Peer raters ---------------------------------------------------------------------------------


def _chosen_rater(form: AssignRaterForm) -> Person:
    """The person picked from the suggestions or named by email; refused when neither is found."""
    if form.email.data and form.email.data.strip():
        person = db.session.scalar(
            select(Person).where(func.lower(Person.email) == form.email.data.strip().lower())
        )
        if person is None:
            raise Invalid({"email": _("Nobody has this email address.")})
        return person
    person = db.session.get(Person, form.rater.data) if form.rater.data else None
    if person is None:
        raise Invalid({"rater": _("Choose a colleague or enter an email address.")})
    return person


def _raters_section(appraisal_id: int, status: int = 200, **kw: Any) -> Response:
    appraisal = viewable_appraisal(appraisal_id)
    raters = _raters(appraisal, **kw)
    ensure(raters is not None)
    return _page(appraisal, block="raters_section", status=status, raters=raters)


def _raters_done(appraisal_id: int, message: str) -> Response:
    if wants_fragment():
        return _raters_section(appraisal_id)
    flash(message, "success")
    return redirect(
        url_for(".show", appraisal_id=appraisal_id, _anchor=f"raters-{appraisal_id}"), 303
    )


@bp.get("/<int:appraisal_id>/raters")
@login_required
def raters(appraisal_id: int) -> Response:
    return _raters_section(appraisal_id)


@bp.post("/<int:appraisal_id>/raters")
@login_required
def add_rater(appraisal_id: int) -> Response:
    """The chain or HR asks a colleague to rate (never the person themself)."""
    appraisal = viewable_appraisal(appraisal_id)
    ensure(access.can_assign_peers(current_user, appraisal))
    form = AssignRaterForm()
    if form.validate_on_submit():
        try:
            rater = _chosen_rater(form)
            assign_rater(appraisal, rater, current_user)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            reload_as_stored()
            return _raters_done(appraisal_id, _("%(name)s is asked to rate.", name=rater.name))
    return _raters_section(appraisal_id, invalid_status(form), form=form)


@bp.post("/<int:appraisal_id>/raters/<int:form_id>/remove")
@login_required
def remove_rater(appraisal_id: int, form_id: int) -> Response:
    """Withdraw a request to rate that was not submitted yet."""
    appraisal = viewable_appraisal(appraisal_id)
    ensure(access.can_assign_peers(current_user, appraisal))
    peer_form = db.get_or_404(PeerForm, form_id)
    if peer_form.appraisal_id != appraisal.id:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            unassign_rater(peer_form)
        except Invalid as exc:
            return _raters_section(appraisal_id, 422, error=next(iter(exc.errors.values())))
        reload_as_stored()
    return _raters_done(appraisal_id, _("The request to rate is withdrawn."))
