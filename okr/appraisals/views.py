"""One appraisal: the page, the self-assessment, choosing peer raters, the interview, acknowledging.

The person sees their OKR results beside their self-assessment, and their scores once released;
their management chain and HR see the full breakdown. Every write re-checks who is asking.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from okr.access import ensure
from okr.appraisals.blueprint import bp
from okr.appraisals.services import acknowledge as acknowledge_result
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm, options
from okr.org.models import Person
from okr.reviews import access
from okr.reviews import queries as q
from okr.reviews.forms import (
    AcknowledgeForm,
    AssignRaterForm,
    InterviewForm,
    SelfAssessmentForm,
    initial_ratings,
    note_field_name,
    ratings_data,
    step_fields,
    step_of_field,
    with_ratings,
)
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.services import (
    INTERVIEW_STEPS,
    assign_rater,
    interview_preview,
    interview_progress,
    save_interview,
    save_self_assessment,
    spec_of,
    unassign_rater,
)
from okr.unit_of_work import reload_as_stored
from okr.web import form_errors, invalid_status, render, wants_fragment


def _appraisal(appraisal_id: int) -> Appraisal:
    """The appraisal for someone who may see it: the person, their chain, HR."""
    appraisal = q.load_appraisal(appraisal_id)
    ensure(access.can_view(current_user, appraisal))
    return appraisal


def _stale(form: FlaskForm, appraisal_id: int) -> Appraisal:
    """After a refused stale save: reload, keep what was typed, point the form at the new version."""
    db.session.rollback()
    appraisal = _appraisal(appraisal_id)
    form.version.data = str(appraisal.version)
    form.form_errors.append(
        _(
            "Someone saved this appraisal after you opened it. Your entries are kept below: check them and save again."
        )
    )
    return appraisal


def _self_form(appraisal: Appraisal, posted: bool = False) -> FlaskForm:
    """The self-assessment form: as typed when posted, else the saved draft."""
    form_class = with_ratings(SelfAssessmentForm, spec_of(appraisal.review.template), "self")
    if posted:
        return form_class()
    data = {**initial_ratings(appraisal.self_ratings), "reflection": appraisal.self_reflection}
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
    inputs = q.inputs_of(appraisal.review, [appraisal], with_key_results=True)[appraisal.id]
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
        self_sheet=q.sheet(spec, "self", appraisal.self_ratings),
        scores=q.scores_of(spec, appraisal, inputs) if sees else None,
        ack_form=ack_form,
        raters=raters or _raters(appraisal),
        interviews=access.can_interview(current_user, appraisal) or current_user.is_admin,
        plan_url=q.plan_url(appraisal.id) if sees else None,
        records=sees,
        saved=saved,
    )


@bp.get("/<int:appraisal_id>")
@login_required
def show(appraisal_id: int) -> Response:
    return _page(_appraisal(appraisal_id))


@bp.post("/<int:appraisal_id>/self")
@login_required
def self_assessment(appraisal_id: int) -> Response:
    """The person saves a draft or submits; bad or missing ratings come back beside the field."""
    appraisal = _appraisal(appraisal_id)
    ensure(current_user.id == appraisal.person_id)
    form = _self_form(appraisal, posted=True)
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        try:
            save_self_assessment(
                appraisal,
                spec_of(appraisal.review.template),
                ratings_data(form),
                form.reflection.data or "",
                submit,
                form.opened_version,
            )
        except Invalid as exc:
            form_errors(form, exc)
        except StaleEdit:
            appraisal = _stale(form, appraisal_id)
        else:
            reload_as_stored()
            message = _("Self-assessment submitted.") if submit else _("Draft saved.")
            if not wants_fragment():
                flash(message, "success")
                return redirect(
                    url_for(".show", appraisal_id=appraisal_id, _anchor=f"self-{appraisal_id}"), 303
                )
            return _page(_appraisal(appraisal_id), block="self_section", saved=message)
    return _page(appraisal, block="self_section", status=invalid_status(form), self_form=form)


@bp.post("/<int:appraisal_id>/acknowledge")
@login_required
def acknowledge(appraisal_id: int) -> Response:
    """The person agrees, or records what they disagree with; then the appraisal is locked."""
    appraisal = _appraisal(appraisal_id)
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
            appraisal = _stale(form, appraisal_id)
        else:
            reload_as_stored()
            if not wants_fragment():
                flash(_("Your answer is recorded."), "success")
                return redirect(
                    url_for(
                        ".show", appraisal_id=appraisal_id, _anchor=f"acknowledge-{appraisal_id}"
                    ),
                    303,
                )
            return _page(_appraisal(appraisal_id), block="acknowledge_section")
    return _page(appraisal, block="acknowledge_section", status=invalid_status(form), ack_form=form)


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
    appraisal = _appraisal(appraisal_id)
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
    appraisal = _appraisal(appraisal_id)
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
    appraisal = _appraisal(appraisal_id)
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


# The interview -------------------------------------------------------------------------------


def _interview_form(appraisal: Appraisal, posted: bool = False) -> FlaskForm:
    """The interview form: as typed when posted, else what was saved."""
    spec = spec_of(appraisal.review.template)
    form_class = with_ratings(InterviewForm, spec, "interview", notes=True)
    if posted:
        return form_class()
    data = {
        **initial_ratings(appraisal.interview_ratings),
        **{
            note_field_name(s): (appraisal.interview_notes or {}).get(s, "")
            for s in INTERVIEW_STEPS
        },
        "disagreement": appraisal.disagreement,
    }
    return form_class(formdata=None, data=data, version=appraisal.version)


def _step(value: str | None, default: str = INTERVIEW_STEPS[0]) -> str:
    return value if value in INTERVIEW_STEPS else default


def _first_open_step(progress: dict[str, bool]) -> str:
    """Where an interview picks up: the first step not done yet (the first when all are)."""
    return next((s for s in INTERVIEW_STEPS if not progress[s]), INTERVIEW_STEPS[0])


def _error_step(form: FlaskForm, current: str) -> str:
    """The first step holding a refused field, so its message is seen (else the current one)."""
    refused = [step_of_field(name) for name, field in form._fields.items() if field.errors]
    return next((s for s in INTERVIEW_STEPS if s in refused), current)


def _interview_page(
    appraisal: Appraisal,
    form: FlaskForm,
    step: str | None = None,
    status: int = 200,
    **kw: Any,
) -> Response:
    """The interview at one of its five steps, with the step list and the live score beside."""
    spec = spec_of(appraisal.review.template)
    inputs = q.inputs_of(appraisal.review, [appraisal], with_key_results=False)[appraisal.id]
    progress = interview_progress(appraisal, spec)
    step = _step(step, _first_open_step(progress))
    position = INTERVIEW_STEPS.index(step)
    return render(
        "appraisals/interview.html",
        block="interview",
        status=status,
        appraisal=appraisal,
        review=appraisal.review,
        spec=spec,
        form=form,
        step=step,
        steps=INTERVIEW_STEPS,
        progress=progress,
        fields=step_fields(form),
        previous_step=INTERVIEW_STEPS[position - 1] if position > 0 else None,
        next_step=INTERVIEW_STEPS[position + 1] if position + 1 < len(INTERVIEW_STEPS) else None,
        writable=access.can_interview(current_user, appraisal)
        and not q.appraisal_locked(appraisal),
        self_sheet=q.sheet(spec, "self", appraisal.self_ratings),
        interview_sheet=q.sheet(spec, "interview", appraisal.interview_ratings),
        scores=q.scores_of(spec, appraisal, inputs),
        plan_url=q.plan_url(appraisal.id),
        **kw,
    )


def _step_url(appraisal_id: int, step: str) -> str:
    return url_for(".interview", appraisal_id=appraisal_id, step=step)


@bp.route("/<int:appraisal_id>/interview", methods=["GET", "POST"])
@login_required
def interview(appraisal_id: int) -> Response:
    """The five-step one-on-one, one step at a time: each move saves the notes and ratings."""
    appraisal = q.load_appraisal(appraisal_id)
    allowed = access.can_interview(current_user, appraisal)
    ensure(allowed or (current_user.is_admin and request.method == "GET"))
    form = _interview_form(appraisal, posted=request.method == "POST")
    current = request.values.get("step")
    if request.method == "GET" or not form.validate_on_submit():
        return _interview_page(appraisal, form, current, invalid_status(form))
    current = _step(current)
    goto = _step(request.form.get("goto"), current)
    complete = request.form.get("action") == "complete"
    try:
        save_interview(
            appraisal,
            spec_of(appraisal.review.template),
            ratings_data(form),
            {s: form[note_field_name(s)].data or "" for s in INTERVIEW_STEPS},
            form.disagreement.data or "",
            complete,
            form.opened_version,
        )
    except Invalid as exc:
        db.session.rollback()  # the refused notes must not show up in the scores below
        form_errors(form, exc)
        return _interview_page(
            q.load_appraisal(appraisal_id), form, _error_step(form, current), 422
        )
    except StaleEdit:
        return _interview_page(_stale(form, appraisal_id), form, current, 422)
    reload_as_stored()
    message = _("Interview completed.") if complete else _("Interview notes saved.")
    if not wants_fragment():
        flash(message, "success")
        return redirect(_step_url(appraisal_id, goto), 303)
    appraisal = q.load_appraisal(appraisal_id)
    response = _interview_page(
        appraisal, _interview_form(appraisal), goto, saved=message, moved=goto != current
    )
    response.headers["HX-Push-Url"] = _step_url(appraisal_id, goto)
    return response


@bp.post("/<int:appraisal_id>/interview/score")
@login_required
def interview_score(appraisal_id: int) -> Response:
    """The live score beside the interview: what the ratings typed so far give (nothing stored)."""
    appraisal = q.load_appraisal(appraisal_id)
    ensure(access.can_interview(current_user, appraisal))
    spec = spec_of(appraisal.review.template)
    inputs = q.inputs_of(appraisal.review, [appraisal], with_key_results=False)[appraisal.id]
    form = _interview_form(appraisal, posted=True)
    typed = ratings_data(form)
    result, problems = interview_preview(
        spec, appraisal, (inputs.objectives, inputs.forms, inputs.adjustments), typed
    )
    return render(
        "appraisals/interview.html",
        block="interview_score",
        appraisal=appraisal,
        review=appraisal.review,
        spec=spec,
        scores=q.scores_of(spec, appraisal, inputs, result),
        interview_sheet=q.sheet(
            spec, "interview", {k.removeprefix("rating-"): v for k, v in typed.items() if v}
        ),
        score_problems=list(problems.values()),
        plan_url=q.plan_url(appraisal.id),
        live=True,
    )
