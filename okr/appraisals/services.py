"""The appraisal's own steps: the self-assessment, its peer raters, the interview, acknowledging.

Each write re-reads and locks the appraisal, refuses a closed review (`ensure_unlocked`) and a
stale form, then recomputes the live scores. Services flush.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from okr.appraisals.indicators import checked_indicators, self_sections
from okr.db import utcnow
from okr.domain.template import Part
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.models import Adjustment, Objective
from okr.org.models import Person
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.scoring import Breakdown, compute
from okr.reviews.services import (
    INTERVIEW_STEPS,
    advance,
    appraisal_locked,
    check_version,
    checked_ratings,
    ensure_unlocked,
    lock_appraisal,
    refresh_scores,
)
from okr.schemes.format import TemplateSpec

# The self-assessment --------------------------------------------------------------------------


def save_self_assessment(
    appraisal: Appraisal,
    spec: TemplateSpec,
    form_data: dict[str, Any],
    reflection: str,
    submit: bool,
    version: int | None,
) -> None:
    """The person rates themself, enters their own points for a self-assessed section (自考核)
    and writes reflections; submitting moves the appraisal on."""
    lock_appraisal(appraisal)
    ensure_unlocked(appraisal)
    check_version(appraisal, version)
    if appraisal.finalized_at is not None or appraisal.self_submitted_at is not None:
        raise Invalid(
            {"_": _("The self-assessment was submitted already and can no longer change.")}
        )
    ratings, errors = checked_ratings(spec, "self", form_data, complete=submit)
    own = self_sections(spec)
    values, refused = (
        checked_indicators(spec, form_data, complete=submit, only=own) if own else ({}, {})
    )
    if errors or refused:
        raise Invalid({**errors, **refused})
    appraisal.self_ratings = ratings
    appraisal.self_indicator_values = values
    appraisal.self_reflection = reflection.strip()
    if submit:
        appraisal.self_submitted_at = utcnow()
        advance(appraisal, "self_assessed")
    refresh_scores(appraisal, spec)
    db.session.flush()


# Peer raters -----------------------------------------------------------------------------------


def suggested_raters(appraisal: Appraisal) -> list[Person]:
    """Colleagues in the same department (active, never the person)."""
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.department_id == appraisal.department_id,
                Person.active,
                Person.id != appraisal.person_id,
            )
            .order_by(Person.name)
        )
    )


def _ensure_raters_open(appraisal: Appraisal, field: str = "rater") -> None:
    if appraisal_locked(appraisal):
        raise Invalid({field: _("This appraisal is closed; raters can no longer change.")})


def assign_rater(appraisal: Appraisal, rater: Person, actor: Person) -> PeerForm:
    """One form per rater; the person never rates themself, nobody changes a closed appraisal."""
    _ensure_raters_open(appraisal)
    if rater.id == appraisal.person_id:
        raise Invalid({"rater": _("Nobody rates themself in the team evaluation.")})
    if not rater.active:
        raise Invalid({"rater": _("%(name)s is deactivated.", name=rater.name)})
    if db.session.scalar(
        select(PeerForm.id).where(
            PeerForm.appraisal_id == appraisal.id, PeerForm.rater_id == rater.id
        )
    ):
        raise Invalid({"rater": _("%(name)s is already asked to rate.", name=rater.name)})
    form = PeerForm(
        appraisal_id=appraisal.id, rater_id=rater.id, assigned_by_id=actor.id, ratings={}
    )
    db.session.add(form)
    db.session.flush()
    return form


def unassign_rater(form: PeerForm) -> None:
    """Withdraw a request to rate that was not submitted yet (of an appraisal still open)."""
    appraisal = db.session.get(Appraisal, form.appraisal_id)
    assert appraisal is not None
    _ensure_raters_open(appraisal, field="_")
    if form.submitted_at is not None:
        raise Invalid({"_": _("A submitted evaluation cannot be withdrawn.")})
    db.session.delete(form)
    db.session.flush()


# The interview ---------------------------------------------------------------------------------


def interview_preview(
    spec: TemplateSpec,
    appraisal: Appraisal,
    inputs: tuple[list[Objective], list[PeerForm], list[Adjustment]],
    form_data: dict[str, Any],
) -> tuple[Breakdown, dict[str, str]]:
    """The scores the interview ratings and indicator values typed so far would give (nothing
    is stored), and a message for each typed one that cannot count."""
    ratings, errors = checked_ratings(spec, "interview", form_data, complete=False)
    values, refused = checked_indicators(spec, form_data, complete=False)
    result = compute(spec, appraisal, *inputs, interview_ratings=ratings, indicator_values=values)
    return result, {**errors, **refused}


def interview_progress(appraisal: Appraisal, spec: TemplateSpec) -> dict[str, bool]:
    """Which of the five steps hold what they ask for (as saved): a note for each, every
    interview criterion rated and every indicator entered for the result, the employee's
    objection or its answer."""
    notes = appraisal.interview_notes or {}
    criteria = spec.domain.criteria.get(Part.INTERVIEW, ())
    rated = dict(appraisal.interview_ratings or {})
    entered = appraisal.indicator_values or {}
    asked = [rated.get(c.key) for c in criteria] + [
        entered.get(s.key, {}).get(i.key)
        for s in spec.domain.sections
        for i in s.indicators
        if not i.kr_fed  # its key result's value: nothing to enter
    ]
    return {
        "purpose": bool(notes.get("purpose")),
        "self_assessment": bool(notes.get("self_assessment")),
        "result": all(asked) if asked else bool(notes.get("result")),
        "disagreement": bool(appraisal.disagreement or notes.get("disagreement")),
        "plan": bool(notes.get("plan")),
    }


def save_interview(
    appraisal: Appraisal,
    spec: TemplateSpec,
    form_data: dict[str, Any],
    notes: dict[str, str],
    disagreement: str,
    complete: bool,
    version: int | None,
) -> None:
    """The five-step one-on-one: notes per step, the manager's ratings and the scorecard's
    indicator values (`form_data` holds both), what the person disputes."""
    lock_appraisal(appraisal)
    ensure_unlocked(appraisal)
    check_version(appraisal, version)
    if appraisal.finalized_at is not None:
        raise Invalid({"_": _("This appraisal is finalized; the interview can no longer change.")})
    ratings, errors = checked_ratings(spec, "interview", form_data, complete=complete)
    values, refused = checked_indicators(spec, form_data, complete=complete)
    if errors or refused:
        raise Invalid({**errors, **refused})
    appraisal.interview_ratings = ratings
    appraisal.indicator_values = values
    appraisal.interview_notes = {step: (notes.get(step) or "").strip() for step in INTERVIEW_STEPS}
    appraisal.disagreement = disagreement.strip()
    if complete:
        if not appraisal.interview_notes["purpose"]:
            raise Invalid({"note-purpose": _("Write down the purpose you stated (step 1).")})
        appraisal.interview_at = utcnow()
        advance(appraisal, "interviewed")
    refresh_scores(appraisal, spec)
    db.session.flush()


# Acknowledging the released result -------------------------------------------------------------


def acknowledge(
    appraisal: Appraisal, person: Person, agree: bool, note: str, version: int | None
) -> None:
    """The person accepts the result or records their disagreement; either way it is then locked."""
    check_version(appraisal, version)
    if appraisal.person_id != person.id:
        raise Invalid({"_": _("Only the person can acknowledge their own result.")})
    if appraisal.released_at is None:
        raise Invalid({"_": _("The result is not released yet.")})
    if appraisal.acknowledged_at is not None:
        raise Invalid({"_": _("Already acknowledged.")})
    if not agree and not note.strip():
        raise Invalid({"note": _("Say what you disagree with; it is recorded with your result.")})
    appraisal.acknowledgement = "agree" if agree else "disagree"
    appraisal.acknowledgement_note = note.strip()
    appraisal.acknowledged_at = utcnow()
    appraisal.status = "acknowledged"
    db.session.flush()
