"""What cycles ask of reviews about templates (okr.cycles.signals): the choices, and whose
bonuses and deductions apply to a person in a cycle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from okr.cycles import signals as cycle_signals
from okr.cycles.models import Cycle
from okr.cycles.templates import CycleScheme, TemplateChoice
from okr.extensions import db
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.reviews.services import spec_of


def review_templates(_sender: Any, including: set[int]) -> list[TemplateChoice]:
    """The newest version of each family not retired (built-in first), as opening a review
    offers them, and the named ones even if superseded."""
    rows = list(
        db.session.scalars(
            select(ReviewTemplate)
            .where(or_(ReviewTemplate.retired.is_(False), ReviewTemplate.id.in_(including)))
            .order_by(ReviewTemplate.built_in.desc(), ReviewTemplate.name, ReviewTemplate.id)
        )
    )
    newest: dict[str, int] = {}
    for t in rows:
        if not t.retired:
            newest[t.family] = max(newest.get(t.family, 0), t.version)
    return [
        TemplateChoice(
            t.id, f"{t.name} (v{t.version})", t.family, newest.get(t.family) == t.version
        )
        for t in rows
        if newest.get(t.family) == t.version or t.id in including
    ]


def scheme_for(cycle: Cycle, person_id: int) -> CycleScheme | None:
    """The template of the cycle's latest review appraising the person, else the cycle's own."""
    template = db.session.scalar(
        select(ReviewTemplate)
        .join(Review, Review.template_id == ReviewTemplate.id)
        .join(Appraisal, Appraisal.review_id == Review.id)
        .where(Review.cycle_id == cycle.id, Appraisal.person_id == person_id)
        .order_by(Review.id.desc())
        .limit(1)
    )
    from_review = template is not None
    if template is None and cycle.template_id is not None:
        template = db.session.get(ReviewTemplate, cycle.template_id)
    if template is None:
        return None
    return CycleScheme(template.id, template.name, spec_of(template), from_review)


def connect() -> None:
    """Answer cycles' questions about review templates (listed in okr.wiring.connect_signals)."""
    cycle_signals.review_templates.connect(review_templates)
    cycle_signals.scheme_for.connect(scheme_for)
