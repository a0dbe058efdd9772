"""Improvement plans (绩效改进计划): drafting from the weakest results, editing, agreeing, closing.

A plan has three sections from the seeds: indicator improvement (the weakest key results and
criteria, each with its current figure and a new target), training (研究培训, one per weak
criterion, owned by the manager) and a growth plan (成长计划).  Items are due within the next
cycle.  Services flush; the request commits (okr/unit_of_work.py).  Which results a draft
starts from is `weakest`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import insert, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from okr.cycles.models import Cycle
from okr.db import utcnow
from okr.domain.numbers import fmt, round_display
from okr.domain.periods import CycleKind, next_period, period_containing
from okr.errors import Invalid, StaleEdit
from okr.explain import PART_WORDS
from okr.extensions import db
from okr.objectives import signals as okr_signals
from okr.objectives.models import KeyResult, Objective
from okr.org.models import Person
from okr.org.queries import report_ids_query
from okr.plans.weakest import kr_figures, target_rating, weakest_criteria, weakest_key_results
from okr.reviews.models import (
    Appraisal,
    ImprovementItem,
    ImprovementPlan,
    PeerForm,
    Review,
)
from okr.schemes.format import TemplateSpec

SECTIONS = {
    "indicator": _l("Indicator improvement"),
    "training": _l("Training"),
    "growth": _l("Growth plan"),
}
ITEM_STATUSES = {
    "open": _lp("plan item status", "open"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
    "dropped": _l("dropped"),
}
OPEN_STATUSES = ("open", "in_progress")


def section_label(code: str) -> str:
    return str(SECTIONS.get(code, code))


def item_status_label(code: str) -> str:
    return str(ITEM_STATUSES.get(code, code))


def follow_ups(item: ImprovementItem) -> list[dict[str, Any]]:
    """An item's follow-up notes, oldest first, with their time as a datetime for display."""
    return [{**note, "at": datetime.fromisoformat(note["at"])} for note in (item.follow_ups or [])]


# Drafting -----------------------------------------------------------------------------------


def _due_dates(cycle: Cycle) -> tuple[date, date]:
    """Within the next cycle: its middle for training, its end for everything else."""
    following = next_period(period_containing(CycleKind(cycle.kind), cycle.start))
    return following.start + timedelta(days=following.days // 2), following.end


def plan_of(appraisal: Appraisal) -> ImprovementPlan | None:
    """The appraisal's plan with its items and their owners (three queries at most)."""
    return db.session.scalar(
        select(ImprovementPlan)
        .where(ImprovementPlan.appraisal_id == appraisal.id)
        .options(selectinload(ImprovementPlan.items).joinedload(ImprovementItem.owner))
    )


def needs_plan(appraisal: Appraisal, spec: TemplateSpec) -> bool:
    """The (final) grade is one the template names for an improvement plan."""
    grade = appraisal.final_grade or appraisal.grade
    return grade is not None and grade in spec.domain.improvement_plan_grades


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
            select(Objective)
            .where(
                Objective.cycle_id == cycle.id,
                Objective.owner_id == appraisal.person_id,
                Objective.level == "individual",
            )
            .options(selectinload(Objective.key_results))
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
    wanted = [a for a in appraisals if needs_plan(a, spec)]
    if not wanted:
        return 0
    planned = set(
        db.session.scalars(
            select(ImprovementPlan.appraisal_id).where(
                ImprovementPlan.appraisal_id.in_([a.id for a in wanted])
            )
        )
    )
    wanted = [a for a in wanted if a.id not in planned]
    if not wanted:
        return 0
    _attach_key_results([o for a in wanted for o in objectives.get(a.person_id, [])])
    drafted = {
        a.id: _draft_items(
            a, spec, cycle, objectives.get(a.person_id, []), forms.get(a.id, []), None
        )
        for a in wanted
    }
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
    return len(wanted)


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


# Editing ------------------------------------------------------------------------------------


def _ensure_open(plan: ImprovementPlan) -> None:
    if plan.status == "closed":
        raise Invalid({"_": _("The plan is closed; it can no longer change.")})


def _check_version(plan: ImprovementPlan, version: int | None) -> None:
    if version is not None and plan.version != version:
        raise StaleEdit()


def save_item(
    plan: ImprovementPlan, item: ImprovementItem | None, data: dict[str, Any]
) -> ImprovementItem:
    """Add an item, or change one: section, what, current and target, owner, due date, status."""
    _ensure_open(plan)
    errors = {}
    if data["section"] not in SECTIONS:
        errors["section"] = _("Choose a section.")
    if data["status"] not in ITEM_STATUSES:
        errors["status"] = _("Choose a status.")
    if not (data["title"] or "").strip():
        errors["title"] = _("Say what is to be done.")
    if errors:
        raise Invalid(errors)
    if item is None:
        item = ImprovementItem(plan_id=plan.id, follow_ups=[])
        db.session.add(item)
    item.section, item.status = data["section"], data["status"]
    item.title = data["title"].strip()
    item.current, item.target = (data["current"] or "").strip(), (data["target"] or "").strip()
    item.owner_id, item.due = data["owner_id"], data["due"]
    db.session.flush()
    return item


def delete_item(plan: ImprovementPlan, item: ImprovementItem) -> None:
    """Remove an item from a plan that is not closed."""
    _ensure_open(plan)
    db.session.delete(item)
    db.session.flush()


def add_follow_up(plan: ImprovementPlan, item: ImprovementItem, text: str, author: Person) -> None:
    """A follow-up note on an item: who, when, what (kept in order, never rewritten)."""
    _ensure_open(plan)
    if not text.strip():
        raise Invalid({"text": _("Write the note.")})
    note = {"by": author.id, "name": author.name, "at": utcnow().isoformat(), "text": text.strip()}
    item.follow_ups = [*(item.follow_ups or []), note]  # a new list, so the change is saved
    db.session.flush()


def agree_plan(plan: ImprovementPlan, item_count: int, version: int | None) -> None:
    """The manager and the person agree the plan in the interview (step 5)."""
    _check_version(plan, version)
    _ensure_open(plan)
    if plan.status == "agreed":
        raise Invalid({"_": _("The plan is agreed already.")})
    if item_count == 0:
        raise Invalid({"_": _("Add at least one item before agreeing the plan.")})
    plan.status, plan.agreed_at = "agreed", utcnow()
    db.session.flush()


def close_plan(plan: ImprovementPlan, outcome: str, version: int | None) -> None:
    """Close the plan with its outcome; the outcome is required."""
    _check_version(plan, version)
    _ensure_open(plan)
    if not outcome.strip():
        raise Invalid({"outcome": _("Write the outcome of the plan before closing it.")})
    plan.status, plan.outcome, plan.closed_at = "closed", outcome.strip(), utcnow()
    db.session.flush()


# The next cycle's planning --------------------------------------------------------------------


def open_items(viewer: Person, person_id: int, before: date) -> list[ImprovementItem]:
    """A person's open items from plans of earlier cycles, if the viewer may see them (one query)."""
    stmt = (
        select(ImprovementItem)
        .join(ImprovementItem.plan)
        .join(Appraisal, Appraisal.id == ImprovementPlan.appraisal_id)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .where(
            ImprovementPlan.person_id == person_id,
            ImprovementPlan.status != "closed",
            ImprovementItem.status.in_(OPEN_STATUSES),
            Cycle.start < before,
        )
        .options(contains_eager(ImprovementItem.plan), joinedload(ImprovementItem.owner))
        .order_by(ImprovementItem.due.is_(None), ImprovementItem.due, ImprovementItem.id)
    )
    if not (viewer.is_admin or viewer.id == person_id):
        stmt = stmt.where(ImprovementPlan.person_id.in_(report_ids_query(viewer.id)))
    return list(db.session.scalars(stmt).unique())


def _items_for_okr_page(viewer: Person, *, person_id: int, before: date) -> list[ImprovementItem]:
    return open_items(viewer, person_id, before)


def connect() -> None:
    """Show open items on the OKR page (okrs asks through a signal; called by okr.wiring)."""
    okr_signals.plan_items.connect(_items_for_okr_page)
