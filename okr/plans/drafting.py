"""Drafting improvement plans when appraisals are finalized: one at a time, or a chunk in bulk."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from okr.cycles.models import Cycle
from okr.domain.numbers import fmt, round_display
from okr.domain.periods import CycleKind, next_period, period_containing
from okr.explain import PART_WORDS
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.objectives.queries import individual_objectives
from okr.plans.services import needs_plan
from okr.plans.weakest import kr_figures, target_rating, weakest_criteria, weakest_key_results
from okr.reviews.models import (
    Appraisal,
    ImprovementItem,
    ImprovementPlan,
    PeerForm,
    Review,
)
from okr.schemes.format import TemplateSpec


def draft_plan(
    appraisal: Appraisal,
    spec: TemplateSpec,
    *,
    requested: bool = False,
    step: Decimal | None = None,
) -> ImprovementPlan | None:
    """Draft a plan for a plan grade (or when asked): weakest KRs and criteria, training, growth.

    Idempotent: an existing plan is returned unchanged.
    """
    existing = db.session.scalar(
        select(ImprovementPlan).where(ImprovementPlan.appraisal_id == appraisal.id)
    )
    if existing is not None:
        return existing
    if not requested and not needs_plan(appraisal, spec):
        return None
    review = db.session.get(Review, appraisal.review_id)
    assert review is not None
    cycle = db.session.get(Cycle, review.cycle_id)
    assert cycle is not None
    objectives = list(
        db.session.scalars(
            individual_objectives(cycle.id, appraisal.person_id).options(
                selectinload(Objective.key_results)
            )
        )
    )
    forms = list(db.session.scalars(select(PeerForm).where(PeerForm.appraisal_id == appraisal.id)))
    plan = _plan(appraisal, _draft_items(appraisal, spec, cycle, objectives, forms, step))
    db.session.add(plan)
    db.session.flush()
    return plan


def draft_plans(
    appraisals: list[Appraisal],
    spec: TemplateSpec,
    cycle: Cycle,
    objectives: dict[int, list[Objective]],
    forms: dict[int, list[PeerForm]],
) -> int:
    """`draft_plan` for many appraisals of one cycle at once, from inputs already read.

    `objectives` by person and `forms` by appraisal, as finalizing read them; each plan grade
    without a plan gets the plan `draft_plan` would draft. A few statements whatever the number
    (each plan and item is a row of one INSERT); returns how many plans were drafted.
    """
    wanted = _without_plan([a for a in appraisals if needs_plan(a, spec)])
    if not wanted:
        return 0
    _attach_key_results([o for a in wanted for o in objectives.get(a.person_id, [])])
    drafted = {
        a.id: _draft_items(
            a, spec, cycle, objectives.get(a.person_id, []), forms.get(a.id, []), None
        )
        for a in wanted
    }
    _insert_plans(wanted, drafted)
    return len(wanted)


def _without_plan(appraisals: list[Appraisal]) -> list[Appraisal]:
    """Those of the appraisals that have no plan yet (one query)."""
    if not appraisals:
        return []
    planned = set(
        db.session.scalars(
            select(ImprovementPlan.appraisal_id).where(
                ImprovementPlan.appraisal_id.in_([a.id for a in appraisals])
            )
        )
    )
    return [a for a in appraisals if a.id not in planned]


def _insert_plans(wanted: list[Appraisal], drafted: dict[int, list[tuple]]) -> None:
    """The plans with one INSERT, then all their items with another."""
    plans = ImprovementPlan.__table__
    db.session.execute(
        insert(plans),
        [{"appraisal_id": a.id, "person_id": a.person_id, "status": "draft"} for a in wanted],
    )
    ids = {
        appraisal_id: plan_id
        for appraisal_id, plan_id in db.session.execute(
            select(plans.c.appraisal_id, plans.c.id).where(plans.c.appraisal_id.in_(drafted))
        )
    }
    db.session.execute(
        insert(ImprovementItem.__table__),
        [
            _item_row(ids[appraisal_id], item)
            for appraisal_id, items in drafted.items()
            for item in items
        ],
    )


def _attach_key_results(objectives: list[Objective]) -> None:
    """Load the key results of these objectives in one query (not one per objective)."""
    if not objectives:
        return
    found: dict[int, list[KeyResult]] = {o.id: [] for o in objectives}
    for kr in db.session.scalars(
        select(KeyResult)
        .where(KeyResult.objective_id.in_(list(found)))
        .order_by(KeyResult.position, KeyResult.id)
    ):
        found[kr.objective_id].append(kr)
    for o in objectives:
        set_committed_value(o, "key_results", found[o.id])


def _plan(
    appraisal: Appraisal, drafted: list[tuple[str, str, str, str, int, date]]
) -> ImprovementPlan:
    plan = ImprovementPlan(appraisal_id=appraisal.id, person_id=appraisal.person_id)
    plan.items = [ImprovementItem(**_item_row(None, item)) for item in drafted]
    return plan


def _item_row(plan_id: int | None, item: tuple[str, str, str, str, int, date]) -> dict[str, Any]:
    """A drafted item's columns (the texts cut to their columns' lengths)."""
    section, title, current, target, owner, due = item
    row = {
        "section": section,
        "title": title[:300],
        "current": current[:100],
        "target": target[:100],
        "owner_id": owner,
        "due": due,
        "status": "open",
        "follow_ups": [],
    }
    return row if plan_id is None else {**row, "plan_id": plan_id}


def _draft_items(
    appraisal: Appraisal,
    spec: TemplateSpec,
    cycle: Cycle,
    objectives: list[Objective],
    forms: list[PeerForm],
    step: Decimal | None,
) -> list[tuple[str, str, str, str, int, date]]:
    """(section, title, now, target, owner, due) of each drafted item, in the plan's order."""
    mid, end = _due_dates(cycle)
    person, coach = appraisal.person_id, appraisal.manager_id or appraisal.person_id
    items = []
    for kr in weakest_key_results(objectives):
        current, target = kr_figures(kr, step)
        items.append(("indicator", kr.title, current, target, person, end))
    for weak in weakest_criteria(spec, appraisal, forms):
        title = _("%(criterion)s (%(part)s)", criterion=weak.label, part=PART_WORDS[weak.part])
        scale = f" / {fmt(weak.criterion.scale.max)}"
        current = fmt(round_display(weak.mean, 2)) + scale
        items.append(("indicator", title, current, fmt(target_rating(weak)) + scale, person, end))
        items.append(
            ("training", _("Training: %(criterion)s", criterion=weak.label), "", "", coach, mid)
        )
    growth = _("Growth plan for %(cycle)s: direction, goals and support", cycle=_next_label(cycle))
    items.append(("growth", growth, "", "", person, end))
    return items


def _next_label(cycle: Cycle) -> str:
    return next_period(period_containing(CycleKind(cycle.kind), cycle.start)).label


def _due_dates(cycle: Cycle) -> tuple[date, date]:
    """Within the next cycle: its middle for training, its end for everything else."""
    following = next_period(period_containing(CycleKind(cycle.kind), cycle.start))
    return following.start + timedelta(days=following.days // 2), following.end
