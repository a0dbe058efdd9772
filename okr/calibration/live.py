"""The live computation of open appraisals, from inputs read in three queries.

`live_breakdowns` computes the open appraisals of one page of the board; `chunk_inputs` reads
the inputs of any set of appraisals (a page, or a chunk when finalizing in batches).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Select, select

from okr.extensions import db
from okr.objectives.models import Adjustment, KeyResult, Objective
from okr.reviews.kr_indicators import fed_keys, links_of
from okr.reviews.models import Appraisal, PeerForm, Review
from okr.reviews.scoring import Breakdown, compute
from okr.schemes.format import TemplateSpec


@dataclass
class Inputs:
    """What appraisals are computed from, as `okr.reviews.services.inputs_for` reads it for one."""

    objectives: dict[int, list[Objective]] = field(default_factory=lambda: defaultdict(list))
    forms: dict[int, list[PeerForm]] = field(default_factory=lambda: defaultdict(list))
    adjustments: dict[int, list[Adjustment]] = field(default_factory=lambda: defaultdict(list))
    links: dict[int, dict[str, KeyResult]] | None = None  # read at the first breakdown
    scope: tuple[int, Select[tuple[int]] | Collection[int]] | None = None  # cycle, people

    def breakdown(self, spec: TemplateSpec, appraisal: Appraisal) -> Breakdown:
        if self.links is None:  # one query, only for a template with key-result-fed indicators
            fed = bool(fed_keys(spec)) and self.scope is not None
            self.links = links_of(*self.scope) if fed and self.scope is not None else {}
        return compute(
            spec,
            appraisal,
            self.objectives.get(appraisal.person_id, []),
            self.forms.get(appraisal.id, []),
            self.adjustments.get(appraisal.person_id, []),
            links=self.links.get(appraisal.person_id, {}),
        )


def _inputs(
    review: Review,
    appraisal_ids: Select[tuple[int]] | Collection[int],
    person_ids: Select[tuple[int]] | Collection[int],
) -> Inputs:
    """The objectives, peer forms and adjustments of these appraisals and people (three queries)."""
    found = Inputs()
    for o in db.session.scalars(
        select(Objective)
        .where(
            Objective.cycle_id == review.cycle_id,
            Objective.owner_id.in_(person_ids),
            Objective.level == "individual",
        )
        .order_by(Objective.position, Objective.id)
    ):
        found.objectives[o.owner_id].append(o)
    for f in db.session.scalars(select(PeerForm).where(PeerForm.appraisal_id.in_(appraisal_ids))):
        found.forms[f.appraisal_id].append(f)
    for a in db.session.scalars(
        select(Adjustment)
        .where(Adjustment.cycle_id == review.cycle_id, Adjustment.person_id.in_(person_ids))
        .order_by(Adjustment.id)
    ):
        found.adjustments[a.person_id].append(a)
    found.scope = (review.cycle_id, person_ids)
    return found


def live_breakdowns(
    review: Review, spec: TemplateSpec, appraisals: list[Appraisal]
) -> dict[int, Breakdown]:
    """The live computation of the open appraisals among these (a page of the board), from
    their inputs alone: three IN-queries, however many there are (none included)."""
    open_ = [a for a in appraisals if a.finalized_at is None]
    inputs = chunk_inputs(review, open_)
    return {a.id: inputs.breakdown(spec, a) for a in open_}


def chunk_inputs(review: Review, appraisals: list[Appraisal]) -> Inputs:
    """The inputs of these appraisals only (three IN-queries, whatever their number)."""
    return _inputs(review, [a.id for a in appraisals], sorted({a.person_id for a in appraisals}))
