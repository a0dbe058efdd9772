"""Correcting a wrong check-in: a new entry supersedes the latest one and both stay in the log.

Reached from a key result's page (its log) and from My week (the key result's row). With htmx
the form opens in place: on My week the row swaps, on the key result's page the form opens above
the log and a saved correction reloads the page. Without JavaScript it is a page and a form.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from okr.checkins.blueprint import bp
from okr.checkins.forms import CorrectionForm
from okr.checkins.services import correct_checkin, latest_checkins
from okr.checkins.views import commit_and_keep, key_result_to_edit, make_row, saved_row
from okr.cycles.rules import checkins_open
from okr.domain.numbers import fmt
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult
from okr.web import form_errors, render, wants_fragment


@dataclass
class Correcting:
    """The check-in being corrected, the form (none when it cannot be) and why not."""

    kr: KeyResult
    wrong: CheckIn
    form: CorrectionForm | None
    back: str  # "week" (My week's row) or "kr" (the key result's page)
    problem: str | None = None


def _load(kr_id: int, checkin_id: int) -> tuple[KeyResult, CheckIn]:
    """The key result (for someone who may check in on it) and one of its check-ins."""
    kr = key_result_to_edit(kr_id)
    wrong = db.one_or_404(
        select(CheckIn)
        .where(CheckIn.id == checkin_id, CheckIn.key_result_id == kr.id)
        .options(db.joinedload(CheckIn.author))
    )
    return kr, wrong


def why_not(kr: KeyResult, wrong: CheckIn) -> str | None:
    """Why this check-in cannot be corrected now, or None when it can."""
    if not checkins_open(kr.objective.cycle):
        return _("Check-ins can be corrected while the cycle runs and during its review.")
    latest = latest_checkins([kr.id]).get(kr.id)
    if latest is None or latest.id != wrong.id:
        return _("Only the latest check-in can be corrected, and this one is no longer the latest.")
    return None


def back_url(kr: KeyResult, back: str) -> str:
    """Where the person came from, at the key result."""
    if back == "week":
        return url_for("checkins.index", cycle=kr.objective.cycle_id) + f"#kr-{kr.id}"
    return url_for("key_results.detail", kr_id=kr.id) + "#checkin-log"


def _show(c: Correcting, status: int) -> Response:
    if c.back == "week" and wants_fragment():  # the row on My week, with the form open in it
        row = make_row(c.kr, c.kr.objective.cycle, True, latest_checkins([c.kr.id]).get(c.kr.id))
        row.correcting = c
        return render("checkins/check_in.html", block="row", status=status, row=row, kr=c.kr)
    return render("checkins/correct.html", block="correction", status=status, c=c, kr=c.kr)


def _corrected(kr: KeyResult, correction: CheckIn, back: str) -> Response:
    if back == "week" and wants_fragment():
        return saved_row(kr, correction)
    flash(_("Correction saved: %(title)s.", title=kr.title), "success")
    if wants_fragment():  # the key result's page: every figure on it changed, load it again
        response = make_response("", 200)  # (with no #fragment: a hash change would not reload)
        response.headers["HX-Redirect"] = url_for("key_results.detail", kr_id=kr.id)
        return response
    return redirect(back_url(kr, back), code=303)


@bp.route("/key-results/<int:kr_id>/check-ins/<int:checkin_id>/correct", methods=["GET", "POST"])
@login_required
def correct(kr_id: int, checkin_id: int) -> Response:
    """Correct the latest check-in with the right value and the reason; a stale one is refused."""
    kr, wrong = _load(kr_id, checkin_id)
    back = "week" if request.values.get("back") == "week" else "kr"
    form = CorrectionForm(
        value=fmt(wrong.value), confidence=wrong.confidence, note=wrong.note, back=back
    )
    if problem := why_not(kr, wrong):
        return _show(
            Correcting(kr, wrong, None, back, problem), 422 if form.is_submitted() else 200
        )
    if not form.validate_on_submit():
        return _show(Correcting(kr, wrong, form, back), 422 if form.is_submitted() else 200)
    return _save(kr, wrong, form, back)


def _save(kr: KeyResult, wrong: CheckIn, form: CorrectionForm, back: str) -> Response:
    """Store the correction; a refused one shows the form again, a stale one says why."""
    kr_id, checkin_id = kr.id, wrong.id  # read before a rollback expires them
    try:
        correction = correct_checkin(
            kr,
            wrong,
            form.value.data or "",
            form.confidence.data or "",
            form.note.data or "",
            form.reason.data or "",
            current_user,
        )
    except Invalid as exc:
        form_errors(form, exc)
        return _show(Correcting(kr, wrong, form, back), 422)
    except StaleEdit:
        db.session.rollback()
        kr, wrong = _load(kr_id, checkin_id)
        problem = why_not(kr, wrong) or _(
            "Someone checked in on this key result meanwhile; look at its newest value first."
        )
        return _show(Correcting(kr, wrong, None, back, problem), 422)
    commit_and_keep()
    return _corrected(kr, correction, back)
