"""Running a review: open it, assign peers, self-assess, rate, interview. Services flush."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.attributes import set_committed_value

from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.domain.errors import DomainError
from okr.domain.numbers import parse_decimal
from okr.domain.template import Part
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.objectives.models import Adjustment, Objective
from okr.org.models import Person
from okr.org.queries import department_subtree_ids
from okr.reviews.models import Appraisal, PeerForm, Review, ReviewTemplate, review_department
from okr.reviews.scoring import Breakdown, compute
from okr.schemes.format import TemplateSpec, parse

INTERVIEW_STEPS = ("purpose", "self_assessment", "result", "disagreement", "plan")
STATUS_ORDER = ("draft", "self_assessed", "peer_rated", "interviewed", "calibrated", "acknowledged")


@lru_cache(maxsize=256)
def _parse_text(text: str) -> TemplateSpec:
    return parse(json.loads(text))


def spec_of(template: ReviewTemplate) -> TemplateSpec:
    """The parsed template, parsed once per process for each distinct content."""
    return _parse_text(json.dumps(template.spec, sort_keys=True, ensure_ascii=False))


def review_of(appraisal: Appraisal) -> Review:
    """The appraisal's review (from the identity map when already loaded)."""
    review = db.session.get(Review, appraisal.review_id)
    assert review is not None
    return review


def _check_version(record: Appraisal | PeerForm, version: int | None) -> None:
    if version is not None and record.version != version:
        raise StaleEdit()


# Opening ------------------------------------------------------------------------------------


def open_review(
    name: str,
    cycle: Cycle,
    template: ReviewTemplate,
    department_ids: list[int],
    deadlines: tuple[date, date, date],
    actor: Person,
    counts: dict[str, int] | None = None,
) -> Review:
    """Open a review and create an appraisal for every active person in the departments (and below).

    People already appraised in another review of the same cycle are skipped; when `counts` is
    given it receives how many appraisals were created and how many people were skipped.
    """
    if not department_ids:
        raise Invalid({"departments": _("Choose at least one department.")})
    self_deadline, peer_deadline, interview_deadline = deadlines
    if not self_deadline <= interview_deadline or not peer_deadline <= interview_deadline:
        raise Invalid(
            {
                "interview_deadline": _(
                    "The interviews come last: their deadline must be on or after the others."
                )
            }
        )
    spec_check = parse(template.spec)  # refuse a broken template before creating anything
    del spec_check
    covered: set[int] = set()
    for department_id in department_ids:
        covered |= department_subtree_ids(department_id)
    review = Review(
        name=name.strip() or f"{cycle.label}",
        cycle_id=cycle.id,
        template_id=template.id,
        self_deadline=self_deadline,
        peer_deadline=peer_deadline,
        interview_deadline=interview_deadline,
        created_by_id=actor.id,
    )
    db.session.add(review)
    db.session.flush()
    db.session.execute(
        insert(review_department),
        [{"review_id": review.id, "department_id": d} for d in sorted(set(department_ids))],
    )
    people = db.session.execute(
        select(Person.id, Person.manager_id, Person.department_id).where(
            Person.active, Person.department_id.in_(covered)
        )
    ).all()
    already = set(
        db.session.scalars(
            select(Appraisal.person_id)
            .join(Review)
            .where(Review.cycle_id == cycle.id, Appraisal.person_id.in_([p.id for p in people]))
        )
    )
    rows = [
        {
            "review_id": review.id,
            "person_id": p.id,
            "manager_id": p.manager_id,
            "department_id": p.department_id,
            "status": "draft",
            "self_ratings": {},
            "interview_ratings": {},
            "interview_notes": {},
            "version": 1,
        }
        for p in people
        if p.id not in already
    ]
    if rows:
        db.session.execute(insert(Appraisal), rows)  # one round trip for thousands of people
    db.session.flush()
    if counts is not None:
        counts.update(created=len(rows), skipped=len(people) - len(rows))
    return review


def template_in_use(template: ReviewTemplate) -> bool:
    """A template that any review uses is frozen."""
    return (
        db.session.scalar(select(Review.id).where(Review.template_id == template.id).limit(1))
        is not None
    )


# Inputs and live scores -------------------------------------------------------------------


def inputs_for(appraisal: Appraisal) -> tuple[list[Objective], list[PeerForm], list[Adjustment]]:
    """What an appraisal is computed from: the person's objectives, peer forms and adjustments."""
    review = review_of(appraisal)
    objectives = list(
        db.session.scalars(
            select(Objective)
            .where(
                Objective.cycle_id == review.cycle_id,
                Objective.owner_id == appraisal.person_id,
                Objective.level == "individual",
            )
            .order_by(Objective.position, Objective.id)
        )
    )
    forms = list(db.session.scalars(select(PeerForm).where(PeerForm.appraisal_id == appraisal.id)))
    adjustments = list(
        db.session.scalars(
            select(Adjustment)
            .where(
                Adjustment.cycle_id == review.cycle_id, Adjustment.person_id == appraisal.person_id
            )
            .order_by(Adjustment.id)
        )
    )
    return objectives, forms, adjustments


def breakdown(appraisal: Appraisal, spec: TemplateSpec) -> Breakdown:
    """The live computation for an open appraisal."""
    return compute(spec, appraisal, *inputs_for(appraisal))


def refresh_scores(appraisal: Appraisal, spec: TemplateSpec) -> Breakdown:
    """Recompute and store the live composite and grade (not for finalized appraisals)."""
    result = breakdown(appraisal, spec)
    if appraisal.finalized_at is None:
        appraisal.composite = result.result.composite if result.result else None
        appraisal.grade = result.result.grade if result.result else None
    return result


def _advance(appraisal: Appraisal, status: str) -> None:
    appraisal.status = _advanced(appraisal.status, status)


def _advanced(current: str, status: str) -> str:
    return status if STATUS_ORDER.index(status) > STATUS_ORDER.index(current) else current


def lock_appraisal(appraisal: Appraisal) -> None:
    """Lock the appraisal's row and re-read it before its live figures are recomputed.

    The person, the manager and every peer save parts of one appraisal at the same time, and each
    save recomputes the composite from all parts: taking the row lock first (PostgreSQL; SQLite
    write requests are serialised already) means each reads what the others committed.
    """
    names = [attr.key for attr in sa_inspect(Appraisal).column_attrs]
    db.session.refresh(appraisal, attribute_names=names, with_for_update=True)


def _store_live_figures(appraisal: Appraisal, **values: Any) -> None:
    """Write derived fields of an appraisal without moving its version (a peer is not editing it)."""
    table = Appraisal.__table__
    db.session.execute(update(table).where(table.c.id == appraisal.id).values(**values))
    for name, value in values.items():
        set_committed_value(appraisal, name, value)


# Ratings ------------------------------------------------------------------------------------


def read_ratings(
    spec: TemplateSpec, part: str, form_data: dict[str, Any], *, complete: bool
) -> dict[str, str]:
    """Ratings typed into a form, checked against each criterion's scale; all needed to submit."""
    ratings, errors = checked_ratings(spec, part, form_data, complete=complete)
    if errors:
        raise Invalid(errors)
    return ratings


def checked_ratings(
    spec: TemplateSpec, part: str, form_data: dict[str, Any], *, complete: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The usable ratings typed into a form, and a message for each one that is not."""
    errors: dict[str, str] = {}
    ratings: dict[str, str] = {}
    for criterion in spec.domain.criteria.get(Part(part), ()):
        text = str(form_data.get(f"rating-{criterion.key}", "") or "").strip()
        if not text:
            if complete:
                errors[f"rating-{criterion.key}"] = _("Rate this before submitting.")
            continue
        try:
            value = parse_decimal(text)
        except DomainError:
            errors[f"rating-{criterion.key}"] = _("Enter a number.")
            continue
        low, high = criterion.scale.min, criterion.scale.max
        if not low <= value <= high:
            errors[f"rating-{criterion.key}"] = _(
                "Use the scale from %(low)s to %(high)s.", low=str(low), high=str(high)
            )
            continue
        ratings[criterion.key] = str(value)
    return ratings, errors


def _deadline_passed(deadline: date) -> bool:
    return local_date(utcnow()) > deadline


def appraisal_locked(appraisal: Appraisal) -> bool:
    """Finalized or in a review that is no longer open: inputs no longer change."""
    return appraisal.finalized_at is not None or review_of(appraisal).status != "open"


def ensure_unlocked(appraisal: Appraisal) -> None:
    """Refuse changes to the inputs of a finalized appraisal or of a review no longer open.

    Every service that changes an appraisal's inputs calls it, so a page, a command or a job
    cannot write into a closed review."""
    if appraisal_locked(appraisal):
        raise Invalid(
            {
                "_": _(
                    "This review is closed for changes: its results are being finalized or published."
                )
            }
        )


def save_self_assessment(
    appraisal: Appraisal,
    spec: TemplateSpec,
    form_data: dict[str, Any],
    reflection: str,
    submit: bool,
    version: int | None,
) -> None:
    """The person rates themself and writes reflections; submitting moves the appraisal on."""
    lock_appraisal(appraisal)
    ensure_unlocked(appraisal)
    _check_version(appraisal, version)
    if appraisal.finalized_at is not None or appraisal.self_submitted_at is not None:
        raise Invalid(
            {"_": _("The self-assessment was submitted already and can no longer change.")}
        )
    appraisal.self_ratings = read_ratings(spec, "self", form_data, complete=submit)
    appraisal.self_reflection = reflection.strip()
    if submit:
        appraisal.self_submitted_at = utcnow()
        _advance(appraisal, "self_assessed")
    refresh_scores(appraisal, spec)
    db.session.flush()


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


def save_peer_form(
    form: PeerForm,
    appraisal: Appraisal,
    spec: TemplateSpec,
    form_data: dict[str, Any],
    comment: str,
    submit: bool,
    version: int | None,
) -> None:
    """A rater fills in their form; it stays editable until the peer deadline.

    The appraisal's status and live composite follow from the forms; they are stored without
    moving the appraisal's version, so a peer never makes the person's or manager's form stale.
    """
    ensure_unlocked(appraisal)
    _check_version(form, version)
    lock_appraisal(appraisal)
    if _deadline_passed(review_of(appraisal).peer_deadline) or appraisal.finalized_at is not None:
        raise Invalid({"_": _("The deadline for the team evaluation has passed.")})
    form.ratings = read_ratings(
        spec, "peer", form_data, complete=submit or form.submitted_at is not None
    )
    form.comment = comment.strip()
    if submit and form.submitted_at is None:
        form.submitted_at = utcnow()
    db.session.flush()
    submitted = db.session.scalar(
        select(db.func.count()).where(
            PeerForm.appraisal_id == appraisal.id, PeerForm.submitted_at.is_not(None)
        )
    )
    figures: dict[str, Any] = {"status": appraisal.status}
    if submitted >= spec.domain.min_peer_raters:
        figures["status"] = _advanced(appraisal.status, "peer_rated")
    if appraisal.finalized_at is None:
        result = breakdown(appraisal, spec).result
        figures["composite"] = result.composite if result else None
        figures["grade"] = result.grade if result else None
    _store_live_figures(appraisal, **figures)


def interview_preview(
    spec: TemplateSpec,
    appraisal: Appraisal,
    inputs: tuple[list[Objective], list[PeerForm], list[Adjustment]],
    form_data: dict[str, Any],
) -> tuple[Breakdown, dict[str, str]]:
    """The scores the interview ratings typed so far would give (nothing is stored), and a
    message for each typed rating that cannot count."""
    ratings, errors = checked_ratings(spec, "interview", form_data, complete=False)
    return compute(spec, appraisal, *inputs, interview_ratings=ratings), errors


def interview_progress(appraisal: Appraisal, spec: TemplateSpec) -> dict[str, bool]:
    """Which of the five steps hold what they ask for (as saved): a note for each, every
    interview criterion rated for the result, the employee's objection or its answer."""
    notes = appraisal.interview_notes or {}
    criteria = spec.domain.criteria.get(Part.INTERVIEW, ())
    rated = dict(appraisal.interview_ratings or {})
    return {
        "purpose": bool(notes.get("purpose")),
        "self_assessment": bool(notes.get("self_assessment")),
        "result": all(rated.get(c.key) for c in criteria)
        if criteria
        else bool(notes.get("result")),
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
    """The five-step one-on-one: notes per step, the manager's ratings, what the person disputes."""
    lock_appraisal(appraisal)
    ensure_unlocked(appraisal)
    _check_version(appraisal, version)
    if appraisal.finalized_at is not None:
        raise Invalid({"_": _("This appraisal is finalized; the interview can no longer change.")})
    appraisal.interview_ratings = read_ratings(spec, "interview", form_data, complete=complete)
    appraisal.interview_notes = {step: (notes.get(step) or "").strip() for step in INTERVIEW_STEPS}
    appraisal.disagreement = disagreement.strip()
    if complete:
        if not appraisal.interview_notes["purpose"]:
            raise Invalid({"note-purpose": _("Write down the purpose you stated (step 1).")})
        appraisal.interview_at = utcnow()
        _advance(appraisal, "interviewed")
    refresh_scores(appraisal, spec)
    db.session.flush()
