"""Page loaders for running reviews: each page reads what it shows in a fixed number of queries.

Scores are never computed here: the live figures come from ``okr.reviews.scoring.compute``
(the domain core underneath) on inputs loaded in batches, the frozen ones from the stored
derivation. Only what the viewer may see leaves this module: peer ratings as aggregates once
enough raters submitted, never a rater's name or sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.domain.numbers import fmt, round_display
from okr.domain.steps import Step
from okr.domain.template import Part
from okr.domain.weights import plain_mean
from okr.explain import NO_GLOSSARY, PART_WORDS, Glossary, describe, describe_steps
from okr.extensions import db
from okr.objectives.models import Adjustment, Objective
from okr.org.models import Person
from okr.reviews.models import Appraisal, PeerForm, Review, ReviewTemplate
from okr.reviews.scoring import Breakdown, compute, frozen_steps
from okr.reviews.services import (  # the lock is the services' rule; pages ask it here
    appraisal_locked as appraisal_locked,
)
from okr.reviews.services import (
    ensure_unlocked as ensure_unlocked,
)
from okr.reviews.services import (
    suggested_raters,
)
from okr.schemes.format import TemplateSpec

SCORE_PLACES = 2
STATUS_LABELS = {
    "draft": _l("not started"),
    "self_assessed": _l("self-assessed"),
    "peer_rated": _l("peer-rated"),
    "interviewed": _l("interviewed"),
    "calibrated": _l("calibrated"),
    "acknowledged": _l("acknowledged"),
}
PER_RATER_STEPS = ("peer.rater", "peer.rater_incomplete")


def appraisal_status(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def part_word(part: str) -> str:
    """A part's name in the reader's language."""
    return str(PART_WORDS.get(part, part))


def shown_score(value: Decimal | str | None) -> str:
    """A score rounded half up to 2 decimals for display (the stored value stays exact)."""
    if value is None or value == "":
        return "—"
    return fmt(round_display(Decimal(value), SCORE_PLACES))


def today() -> date:
    return local_date(utcnow())


def optional_url(endpoint: str, **values: Any) -> str | None:
    """The URL of a page another feature provides, or None while that feature is absent."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def plan_url(appraisal_id: int) -> str | None:
    """The improvement-plan page when that feature is installed, else None."""
    return optional_url("plans.show", appraisal_id=appraisal_id)


# Opening ----------------------------------------------------------------------------------


def templates_offered() -> list[ReviewTemplate]:
    """The newest version of every template family that is not retired."""
    newest = (
        select(ReviewTemplate.family, func.max(ReviewTemplate.version).label("version"))
        .where(ReviewTemplate.retired.is_(False))
        .group_by(ReviewTemplate.family)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(ReviewTemplate)
            .join(
                newest,
                (ReviewTemplate.family == newest.c.family)
                & (ReviewTemplate.version == newest.c.version),
            )
            .where(ReviewTemplate.retired.is_(False))
            .order_by(ReviewTemplate.built_in.desc(), ReviewTemplate.name)
        )
    )


def cycles_offered() -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).order_by(Cycle.start.desc())))


def load_review(review_id: int) -> Review:
    """A review with its cycle, template and departments (404 when unknown)."""
    return db.one_or_404(
        select(Review)
        .where(Review.id == review_id)
        .options(
            db.joinedload(Review.cycle),
            db.joinedload(Review.template),
            db.selectinload(Review.departments),
        )
    )


# Inputs in batches -----------------------------------------------------------------------


@dataclass
class Inputs:
    objectives: list[Objective] = field(default_factory=list)
    forms: list[PeerForm] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


def inputs_of(
    review: Review, appraisals: list[Appraisal], *, with_key_results: bool = False
) -> dict[int, Inputs]:
    """What each appraisal is computed from (as services.inputs_for), three queries for all."""
    found = {a.id: Inputs() for a in appraisals}
    if not appraisals:
        return found
    by_person = {a.person_id: found[a.id] for a in appraisals}
    objectives = (
        select(Objective)
        .where(
            Objective.cycle_id == review.cycle_id,
            Objective.owner_id.in_(by_person),
            Objective.level == "individual",
        )
        .order_by(Objective.position, Objective.id)
    )
    if with_key_results:
        objectives = objectives.options(db.selectinload(Objective.key_results))
    for objective in db.session.scalars(objectives):
        by_person[objective.owner_id].objectives.append(objective)
    for form in db.session.scalars(select(PeerForm).where(PeerForm.appraisal_id.in_(found))):
        found[form.appraisal_id].forms.append(form)
    for adjustment in db.session.scalars(
        select(Adjustment)
        .where(Adjustment.cycle_id == review.cycle_id, Adjustment.person_id.in_(by_person))
        .order_by(Adjustment.id)
    ):
        by_person[adjustment.person_id].adjustments.append(adjustment)
    return found


def live(spec: TemplateSpec, appraisal: Appraisal, inputs: Inputs) -> Breakdown:
    return compute(spec, appraisal, inputs.objectives, inputs.forms, inputs.adjustments)


# Scores as shown ---------------------------------------------------------------------------


@dataclass
class PartRow:
    part: str
    weight: Decimal
    fraction: Decimal | None
    points: Decimal | None
    missing: str | None = None


@dataclass
class CriterionMean:
    label: str
    scale: str
    mean: Decimal


@dataclass
class PeerAggregate:
    """The team evaluation as the ratee's side sees it: means only, and only past the minimum."""

    submitted: int
    minimum: int
    shown: bool
    means: list[CriterionMean]
    fraction: Decimal | None


@dataclass
class Scores:
    frozen: bool
    parts: list[PartRow]
    weighted_sum: Decimal | None
    adjustments: Decimal | None
    composite: Decimal | None
    grade: str | None
    final_grade: str | None
    total_scale: Decimal
    steps: list[str]
    missing: list[str]
    peer: PeerAggregate | None
    needs_plan: bool


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def peer_aggregate(
    spec: TemplateSpec, appraisal: Appraisal, forms: list[PeerForm], fraction: Decimal | None
) -> PeerAggregate | None:
    """Per-criterion means of the complete submitted sheets, withheld below the minimum."""
    criteria = spec.criteria("peer")
    if not criteria:
        return None
    keys = [c["key"] for c in criteria]
    counted = [
        f
        for f in forms
        if f.submitted_at is not None
        and f.rater_id != appraisal.person_id
        and all((f.ratings or {}).get(k) not in (None, "") for k in keys)
    ]
    minimum = spec.domain.min_peer_raters
    shown = len(counted) >= minimum
    means = []
    if shown:
        for criterion in criteria:
            mean = plain_mean([f.ratings[criterion["key"]] for f in counted], scope="peer").value
            assert mean is not None
            low, high = criterion.get("scale", ["1", "5"])
            means.append(
                CriterionMean(criterion.get("label") or criterion["key"], f"{low}–{high}", mean)
            )
    return PeerAggregate(len(counted), minimum, shown, means, fraction if shown else None)


def visible_steps(
    steps: Iterable[Step], peer_withheld: bool, glossary: Glossary = NO_GLOSSARY
) -> list[str]:
    """The derivation in words, each line once; no single rater's figure below the minimum."""
    shown = [s for s in steps if not (peer_withheld and s.code in PER_RATER_STEPS)]
    return describe_steps(dict.fromkeys(shown), glossary)


def scores_of(
    spec: TemplateSpec, appraisal: Appraisal, inputs: Inputs, result: Breakdown | None = None
) -> Scores:
    """The breakdown as shown: frozen when finalized, live otherwise."""
    if appraisal.result is not None:
        data = appraisal.result
        parts = [
            PartRow(p, Decimal(v["weight"]), _dec(v["fraction"]), _dec(v["points"]))
            for p, v in data["parts"].items()
        ]
        peer_fraction = next((p.fraction for p in parts if p.part == "peer"), None)
        peer = peer_aggregate(spec, appraisal, inputs.forms, peer_fraction)
        return Scores(
            True,
            parts,
            _dec(data.get("weighted_sum")),
            _dec(data.get("adjustments")),
            _dec(data.get("composite")),
            data.get("grade"),
            appraisal.final_grade,
            spec.domain.total_scale,
            visible_steps(
                frozen_steps(appraisal), peer is not None and not peer.shown, spec.glossary()
            ),
            [],
            peer,
            (appraisal.final_grade or data.get("grade")) in spec.domain.improvement_plan_grades,
        )
    result = result or live(spec, appraisal, inputs)
    words = spec.glossary()
    points = result.result.part_points if result.result else {}
    parts = [
        PartRow(
            p.part,
            p.weight,
            p.fraction,
            points.get(Part(p.part)),
            describe(p.missing_reason.code, p.missing_reason.params, words)
            if p.weight > 0 and p.fraction is None and p.missing_reason
            else None,
        )
        for p in result.parts.values()
    ]
    peer = peer_aggregate(spec, appraisal, inputs.forms, result.parts["peer"].fraction)
    composite = result.result
    return Scores(
        False,
        parts,
        composite.weighted_sum if composite else None,
        composite.adjustments.net if composite else None,
        composite.composite if composite else None,
        composite.grade if composite else None,
        appraisal.final_grade,
        spec.domain.total_scale,
        visible_steps(result.steps, peer is not None and not peer.shown, words),
        describe_steps(result.problems, words),
        peer,
        bool(composite and composite.needs_improvement_plan),
    )


# Criteria sheets (read-only) -----------------------------------------------------------------


@dataclass
class SheetRow:
    label: str
    scale: str
    value: str | None
    words: str | None = None


def sheet(spec: TemplateSpec, part: str, ratings: dict[str, str]) -> list[SheetRow]:
    """A part's criteria with the given ratings, for read-only display."""
    rows = []
    for criterion in spec.criteria(part):
        low, high = criterion.get("scale", ["1", "5"])
        rows.append(
            SheetRow(
                criterion.get("label") or criterion["key"],
                f"{low}–{high}",
                (ratings or {}).get(criterion["key"]),
                spec.level_words(part, criterion["key"], (ratings or {}).get(criterion["key"])),
            )
        )
    return rows


# Appraisals --------------------------------------------------------------------------------


def load_appraisal(appraisal_id: int) -> Appraisal:
    """An appraisal with person, manager, department, and its review's cycle and template."""
    return db.one_or_404(
        select(Appraisal)
        .where(Appraisal.id == appraisal_id)
        .options(
            db.joinedload(Appraisal.person),
            db.joinedload(Appraisal.manager),
            db.joinedload(Appraisal.department),
            db.joinedload(Appraisal.review).joinedload(Review.cycle),
            db.joinedload(Appraisal.review).joinedload(Review.template),
        )
        .execution_options(populate_existing=True)
    )


def raters_of(appraisal: Appraisal) -> list[PeerForm]:
    """The assigned raters' forms with the raters (for the chain and HR only)."""
    return list(
        db.session.scalars(
            select(PeerForm)
            .where(PeerForm.appraisal_id == appraisal.id)
            .options(db.joinedload(PeerForm.rater))
            .order_by(PeerForm.id)
        )
    )


def suggestions(appraisal: Appraisal, assigned: Iterable[int]) -> list[Person]:
    """Colleagues in the same department not yet asked (never the person, nor their manager,
    who rates in the interview); anyone else can still be asked by email."""
    taken = {*assigned, appraisal.manager_id}
    return [p for p in suggested_raters(appraisal) if p.id not in taken]


def self_editable(viewer: Person, appraisal: Appraisal) -> bool:
    return (
        viewer.id == appraisal.person_id
        and appraisal.self_submitted_at is None
        and not appraisal_locked(appraisal)
    )


def can_acknowledge(viewer: Person, appraisal: Appraisal) -> bool:
    return (
        viewer.id == appraisal.person_id
        and appraisal.released_at is not None
        and appraisal.acknowledged_at is None
    )
