"""Team evaluation (团队评估) forms, for the assigned rater only: my list, fill in, submit.

A form stays editable until the review's peer deadline; after it, it is shown read-only. Nobody
but the rater opens it: not the ratee, not their manager, not HR.
"""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from okr.access import ensure
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.peer_reviews.blueprint import bp
from okr.peer_reviews.queries import load_peer_form, my_peer_forms, peer_form_closed
from okr.peer_reviews.services import save_peer_form
from okr.reviews import access
from okr.reviews.display import sheet as criteria_sheet
from okr.reviews.forms import PeerSheetForm, initial_ratings, ratings_data, with_ratings
from okr.reviews.models import PeerForm
from okr.reviews.queries import today
from okr.reviews.services import spec_of
from okr.unit_of_work import reload_as_stored
from okr.web import form_errors, invalid_status, render, wants_fragment


def _form(form_id: int) -> PeerForm:
    peer_form = load_peer_form(form_id)
    ensure(access.can_fill_peer_form(current_user, peer_form))
    return peer_form


def _sheet(peer_form: PeerForm, posted: bool = False) -> FlaskForm:
    """The rating sheet: as typed when posted, else as saved."""
    spec = spec_of(peer_form.appraisal.review.template)
    form_class = with_ratings(PeerSheetForm, spec, "peer")
    if posted:
        return form_class()
    data = {**initial_ratings(peer_form.ratings), "comment": peer_form.comment}
    return form_class(formdata=None, data=data, version=peer_form.version)


def _show(peer_form: PeerForm, sheet: FlaskForm, status: int = 200, saved: str | None = None):
    spec = spec_of(peer_form.appraisal.review.template)
    return render(
        "peer_reviews/edit.html",
        block="sheet",
        status=status,
        peer_form=peer_form,
        appraisal=peer_form.appraisal,
        review=peer_form.appraisal.review,
        spec=spec,
        sheet=sheet,
        rows=criteria_sheet(spec, "peer", peer_form.ratings),
        closed=peer_form_closed(peer_form),
        saved=saved,
    )


@bp.get("/")
@login_required
def index() -> Response:
    """The forms I was asked to fill, with their deadlines."""
    forms = my_peer_forms(current_user)
    return render(
        "peer_reviews/index.html",
        forms=forms,
        closed={f.id for f in forms if peer_form_closed(f)},
        today=today(),
    )


@bp.route("/<int:form_id>", methods=["GET", "POST"])
@login_required
def edit(form_id: int) -> Response:
    """Rate each criterion and comment; save a draft or submit; editable until the deadline."""
    peer_form = _form(form_id)
    sheet = _sheet(peer_form, posted=request.method == "POST")
    if not sheet.validate_on_submit():
        return _show(peer_form, sheet, invalid_status(sheet))
    submit = request.form.get("action") == "submit"
    try:
        _save(peer_form, sheet, submit)
    except Invalid as exc:
        form_errors(sheet, exc)
        return _show(peer_form, sheet, 422)
    except StaleEdit:
        return _show(_stale(form_id, sheet), sheet, 422)
    reload_as_stored()
    message = _("Evaluation submitted. Thank you.") if submit else _("Draft saved.")
    if not wants_fragment():
        flash(message, "success")
        return redirect(url_for(".edit", form_id=form_id), 303)
    peer_form = _form(form_id)
    return _show(peer_form, _sheet(peer_form), saved=message)


def _save(peer_form: PeerForm, sheet: FlaskForm, submit: bool) -> None:
    save_peer_form(
        peer_form,
        peer_form.appraisal,
        spec_of(peer_form.appraisal.review.template),
        ratings_data(sheet),
        sheet.comment.data or "",
        submit,
        sheet.opened_version,
    )


def _stale(form_id: int, sheet: FlaskForm) -> PeerForm:
    """After a refused stale save: reload, keep what was typed, point the sheet at the new version."""
    db.session.rollback()
    peer_form = _form(form_id)
    sheet.version.data = str(peer_form.version)
    sheet.form_errors.append(
        _(
            "This form was saved elsewhere after you opened it. Your entries are kept below: check them and save again."
        )
    )
    return peer_form
