"""The interview (the five-step one-on-one), one step at a time, with the live score beside.

The person's manager (or anyone above) holds it; HR may read it. Each move between steps saves
the notes and ratings; the score beside follows what is typed without storing it.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from okr.access import ensure
from okr.appraisals import queries as q
from okr.appraisals.blueprint import bp
from okr.appraisals.indicators import (
    PREFIX,
    indicator_data,
    initial_indicators,
    section_fields,
    with_indicators,
)
from okr.appraisals.services import interview_preview, interview_progress, save_interview
from okr.appraisals.views import reload_stale
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.reviews import access
from okr.reviews.display import scores_of, sheet
from okr.reviews.forms import (
    InterviewForm,
    initial_ratings,
    note_field_name,
    ratings_data,
    step_fields,
    step_of_field,
    with_ratings,
)
from okr.reviews.kr_indicators import fed_lines
from okr.reviews.models import Appraisal
from okr.reviews.queries import inputs_of, plan_url
from okr.reviews.self_points import self_values_shown, side_by_side
from okr.reviews.services import INTERVIEW_STEPS, spec_of
from okr.schemes.format import TemplateSpec
from okr.unit_of_work import reload_as_stored
from okr.web import form_errors, invalid_status, render, wants_fragment


def _interview_form(appraisal: Appraisal, posted: bool = False) -> FlaskForm:
    """The interview form: as typed when posted, else what was saved."""
    spec = spec_of(appraisal.review.template)
    form_class = with_indicators(with_ratings(InterviewForm, spec, "interview", notes=True), spec)
    if posted:
        return form_class()
    data = {
        **initial_ratings(appraisal.interview_ratings),
        **initial_indicators(appraisal.indicator_values),
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


def _field_step(name: str) -> str | None:
    """The step a field is filled in at: the scorecard's indicators with the result."""
    return "result" if name.startswith(PREFIX) else step_of_field(name)


def _fields(form: FlaskForm) -> dict[str, list[str]]:
    """The interview form's fields by step, the indicators first in the result."""
    fields = step_fields(form)
    fields["result"][:0] = [name for name in form._fields if name.startswith(PREFIX)]
    return fields


def _typed(form: FlaskForm) -> dict[str, str]:
    """The ratings and indicator values typed, as the services read them."""
    return {**ratings_data(form), **indicator_data(form)}


def _error_step(form: FlaskForm, current: str) -> str:
    """The first step holding a refused field, so its message is seen (else the current one)."""
    refused = [_field_step(name) for name, field in form._fields.items() if field.errors]
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
    inputs = inputs_of(appraisal.review, [appraisal], with_key_results=False)[appraisal.id]
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
        fields=_fields(form),
        sections=_sections(spec, appraisal, inputs.links),
        self_points=side_by_side(
            spec, self_values_shown(appraisal, current_user.id), appraisal.indicator_values or {}
        ),
        previous_step=INTERVIEW_STEPS[position - 1] if position > 0 else None,
        next_step=INTERVIEW_STEPS[position + 1] if position + 1 < len(INTERVIEW_STEPS) else None,
        writable=access.can_interview(current_user, appraisal)
        and not q.appraisal_locked(appraisal),
        self_sheet=sheet(spec, "self", appraisal.self_ratings),
        interview_sheet=sheet(spec, "interview", appraisal.interview_ratings),
        scores=scores_of(spec, appraisal, inputs),
        plan_url=plan_url(appraisal.id),
        **kw,
    )


def _sections(spec: TemplateSpec, appraisal: Appraisal, links: Any) -> list[Any]:
    """The result step's fieldsets: the person's own points where they may be seen, and the
    key-result-fed indicators read-only with their derivation."""
    shown = self_values_shown(appraisal, current_user.id)
    return section_fields(spec, None, shown, fed_lines(spec, links))


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
        _save(appraisal, form, complete)
    except Invalid as exc:
        db.session.rollback()  # the refused notes must not show up in the scores below
        form_errors(form, exc)
        return _interview_page(
            q.load_appraisal(appraisal_id), form, _error_step(form, current), 422
        )
    except StaleEdit:
        return _interview_page(reload_stale(form, appraisal_id), form, current, 422)
    return _interview_saved(appraisal_id, complete, moved=goto != current, goto=goto)


def _save(appraisal: Appraisal, form: FlaskForm, complete: bool) -> None:
    save_interview(
        appraisal,
        spec_of(appraisal.review.template),
        _typed(form),
        {s: form[note_field_name(s)].data or "" for s in INTERVIEW_STEPS},
        form.disagreement.data or "",
        complete,
        form.opened_version,
    )


def _interview_saved(appraisal_id: int, complete: bool, *, moved: bool, goto: str) -> Response:
    """After a save: on to the chosen step (htmx: the step in place, its URL pushed)."""
    reload_as_stored()
    message = _("Interview completed.") if complete else _("Interview notes saved.")
    if not wants_fragment():
        flash(message, "success")
        return redirect(_step_url(appraisal_id, goto), 303)
    appraisal = q.load_appraisal(appraisal_id)
    response = _interview_page(
        appraisal, _interview_form(appraisal), goto, saved=message, moved=moved
    )
    response.headers["HX-Push-Url"] = _step_url(appraisal_id, goto)
    return response


@bp.post("/<int:appraisal_id>/interview/score")
@login_required
def interview_score(appraisal_id: int) -> Response:
    """The live score beside the interview: what the ratings typed so far give (nothing stored).

    It is a fragment of the interview page; asked for as a page (no htmx), it sends the reader
    to the interview itself."""
    appraisal = q.load_appraisal(appraisal_id)
    ensure(access.can_interview(current_user, appraisal))
    if not wants_fragment():
        return redirect(url_for("appraisals.interview", appraisal_id=appraisal_id), 303)
    return render("appraisals/interview.html", block="interview_score", **_live_score(appraisal))


def _live_score(appraisal) -> dict[str, Any]:
    """What the live score shows for the ratings and values posted (nothing stored)."""
    spec = spec_of(appraisal.review.template)
    inputs = inputs_of(appraisal.review, [appraisal], with_key_results=False)[appraisal.id]
    form = _interview_form(appraisal, posted=True)
    typed = ratings_data(form)
    result, problems = interview_preview(
        spec, appraisal, (inputs.objectives, inputs.forms, inputs.adjustments), _typed(form)
    )
    return {
        "appraisal": appraisal,
        "review": appraisal.review,
        "spec": spec,
        "scores": scores_of(spec, appraisal, inputs, result),
        "interview_sheet": sheet(
            spec, "interview", {k.removeprefix("rating-"): v for k, v in typed.items() if v}
        ),
        "score_problems": list(problems.values()),
        "plan_url": plan_url(appraisal.id),
        "live": True,
    }
