"""Improvement plans (绩效改进计划): drafting from the weakest results, editing, agreeing, closing.

A plan has three sections from the seeds: indicator improvement (the weakest key results and
criteria, each with its current figure and a new target), training (研究培训, one per weak
criterion, owned by the manager) and a growth plan (成长计划).  Items are due within the next
cycle.  Services flush; the request commits (okr/unit_of_work.py).  Which results a draft
starts from is `weakest`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from okr.cycles.models import Cycle
from okr.db import utcnow
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.objectives import signals as okr_signals
from okr.org.models import Person
from okr.org.queries import report_ids_query
from okr.reviews.models import (
    Appraisal,
    ImprovementItem,
    ImprovementPlan,
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
