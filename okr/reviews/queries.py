"""Page loaders for running reviews: each page reads what it shows in a fixed number of queries.

Scores are never computed here: the live figures come from ``okr.reviews.scoring.compute``
(the domain core underneath) on inputs loaded in batches; ``okr.reviews.display`` turns them
into what a page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, or_, select
from werkzeug.routing import BuildError

from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.extensions import db
from okr.objectives.models import Adjustment, KeyResult, Objective
from okr.objectives.queries import individual_objectives
from okr.org.models import Person
from okr.org.queries import report_ids_query
from okr.reviews.kr_indicators import links_of
from okr.reviews.models import Appraisal, PeerForm, Review, ReviewTemplate
from okr.reviews.scoring import Breakdown, compute
from okr.schemes.format import TemplateSpec


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
    links: dict[str, KeyResult] = field(default_factory=dict)  # okr.reviews.kr_indicators


def inputs_of(
    review: Review, appraisals: list[Appraisal], *, with_key_results: bool = False
) -> dict[int, Inputs]:
    """What each appraisal is computed from (as services.inputs_for), four queries for all."""
    found = {a.id: Inputs() for a in appraisals}
    if not appraisals:
        return found
    by_person = {a.person_id: found[a.id] for a in appraisals}
    objectives = individual_objectives(review.cycle_id, list(by_person))
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
    for person_id, links in links_of(review.cycle_id, list(by_person)).items():
        by_person[person_id].links = links
    return found


def live(spec: TemplateSpec, appraisal: Appraisal, inputs: Inputs) -> Breakdown:
    return compute(
        spec, appraisal, inputs.objectives, inputs.forms, inputs.adjustments, links=inputs.links
    )


# The list of reviews -------------------------------------------------------------------


def scope(viewer: Person) -> Any:
    """Appraisals a manager follows: the people in their chain (now or when the review opened)."""
    return or_(
        Appraisal.manager_id == viewer.id, Appraisal.person_id.in_(report_ids_query(viewer.id))
    )


def reviews_for(viewer: Person) -> list[Review]:
    """Reviews the viewer oversees (HR all; a manager those with someone of their chain)."""
    stmt = select(Review).options(db.joinedload(Review.cycle), db.joinedload(Review.template))
    if not viewer.is_admin:
        stmt = stmt.where(
            Review.id.in_(
                select(Appraisal.review_id).where(scope(viewer), Appraisal.person_id != viewer.id)
            )
        )
    return list(db.session.scalars(stmt.order_by(Review.created_at.desc(), Review.id.desc())))


def my_appraisals(viewer: Person) -> list[Appraisal]:
    return list(
        db.session.scalars(
            select(Appraisal)
            .where(Appraisal.person_id == viewer.id)
            .options(db.joinedload(Appraisal.review).joinedload(Review.cycle))
            .order_by(Appraisal.id.desc())
        )
    )
