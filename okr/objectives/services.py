"""Objectives and key results: create, edit, align, weigh, submit and approve. Services flush."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from okr.cycles.models import Cycle
from okr.cycles.rules import check_planning_window, plan_editable
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.labels import status_label
from okr.objectives.approval import reopen_if_broken
from okr.objectives.changes import changed_fields as _changes
from okr.objectives.changes import load_objective, record_change
from okr.objectives.changes import shown_value as _shown
from okr.objectives.definition import SPEC_FIELDS, KeyResultData, check_weight
from okr.objectives.due import check_objective_due, replay_due
from okr.objectives.indicator_links import defined
from okr.objectives.models import KeyResult, Objective
from okr.objectives.progress import lock_chain, refresh_key_result, refresh_objective_chain
from okr.objectives.queries import allowed_parents
from okr.org.models import Department, Person


def _ensure_planning(cycle: Cycle) -> None:
    if not plan_editable(cycle):
        raise Invalid(
            {
                "_": _(
                    "Objectives and targets are frozen while the cycle is %(status)s; "
                    "an administrator can reopen it for planning with a reason.",
                    status=status_label(cycle.status),
                )
            }
        )


def _check_version(record: Objective | KeyResult, version: int | None) -> None:
    if version is not None and record.version != version:
        raise StaleEdit()


def objective_for(kr: KeyResult) -> Objective:
    """A key result's objective, loaded as services need it."""
    return load_objective(kr.objective_id)


def after_set_change(objective: Objective, actor: Person) -> list[str]:
    """Run the submit checks on the set an edit touched; a submitted or approved set that fails
    them is sent back to its owner (status "returned", the reason as the comment), never left
    approved. Returns what to tell the person (empty when the set is fine or still a draft)."""
    notice = reopen_if_broken(objective, actor)
    return [notice] if notice else []


# Alignment ------------------------------------------------------------------------------


def _check_parent(
    cycle: Cycle, level: str, department_id: int | None, parent_id: int | None, own_id: int | None
) -> None:
    if parent_id is None:
        return
    if own_id is not None and parent_id == own_id:
        raise Invalid({"parent_id": _("An objective cannot align to itself.")})
    if parent_id not in {o.id for o in allowed_parents(cycle, level, department_id)}:
        raise Invalid(
            {
                "parent_id": _(
                    "Align to an objective one level up in the same cycle: your department's or the company's."
                )
            }
        )


# Objectives -----------------------------------------------------------------------------


@dataclass
class ObjectiveData:
    title: str
    description: str
    weight: Decimal
    parent_id: int | None
    progress_rule: str = "own_krs"
    due_on: date | None = None  # 完成时间: within the cycle, on or after its key results'


def create_objective(
    cycle: Cycle,
    level: str,
    data: ObjectiveData,
    actor: Person,
    *,
    owner: Person,
    department: Department | None = None,
    notices: list[str] | None = None,
) -> Objective:
    """Add an objective to an owner's set for the cycle (drafted until approved).

    A set that was submitted or approved no longer passes its checks with a new objective in
    it, so it goes back to its owner; the reason is appended to `notices` when given.
    """
    objective = new_objective(cycle, level, data, actor, owner=owner, department=department)
    found = after_set_change(objective, actor)
    if notices is not None:
        notices += found
    return objective


def _check_new(data: ObjectiveData, cycle: Cycle) -> None:
    if not data.title.strip():
        raise Invalid({"title": _("Enter a title.")})
    check_weight(data.weight)
    check_objective_due(data.due_on, cycle, [])


def new_objective(
    cycle: Cycle,
    level: str,
    data: ObjectiveData,
    actor: Person,
    *,
    owner: Person,
    department: Department | None = None,
) -> Objective:
    """create_objective without the set check, for callers that add key results first."""
    _ensure_planning(cycle)
    check_planning_window(cycle, actor)
    department_id = (
        department.id if department else (owner.department_id if level == "individual" else None)
    )
    _check_parent(cycle, level, department_id, data.parent_id, None)
    _check_new(data, cycle)
    position = db.session.scalar(
        select(func.count()).where(Objective.cycle_id == cycle.id, Objective.owner_id == owner.id)
    )
    objective = Objective(
        cycle_id=cycle.id,
        level=level,
        title=data.title.strip(),
        description=data.description.strip(),
        owner_id=owner.id,
        department_id=department_id,
        parent_id=data.parent_id,
        weight=data.weight,
        progress_rule=data.progress_rule,
        due_on=data.due_on,
        status="draft",  # company sets too: every set passes the submit checks to be approved
        position=position or 0,
    )
    db.session.add(objective)
    db.session.flush()
    refresh_objective_chain(objective.id)
    return objective


def update_objective(
    objective: Objective, data: ObjectiveData, actor: Person, version: int | None
) -> list[str]:
    """Change an objective; once approved the change is recorded, and a set whose weights no
    longer add up goes back to its owner. Returns what to tell the person."""
    _check_version(objective, version)
    objective = load_objective(objective.id)
    _ensure_planning(objective.cycle)
    lock_chain(objective.id)  # before this row's own update: the lock order check-ins use
    _check_parent(
        objective.cycle, objective.level, objective.department_id, data.parent_id, objective.id
    )
    if not data.title.strip():
        raise Invalid({"title": _("Enter a title.")})
    check_weight(data.weight)
    check_objective_due(data.due_on, objective.cycle, list(objective.key_results))
    fields = ("title", "description", "weight", "parent_id", "progress_rule", "due_on")
    before = {f: _shown(getattr(objective, f)) for f in fields}
    old_parent = objective.parent_id
    objective.title = data.title.strip()
    objective.description = data.description.strip()
    objective.weight = data.weight
    objective.parent_id = data.parent_id
    objective.progress_rule = data.progress_rule
    objective.due_on = data.due_on
    changed = _changes(before, {f: _shown(getattr(objective, f)) for f in fields})
    if changed and objective.status == "approved":
        record_change(objective, actor, "edited", {"changes": changed})
    db.session.flush()
    refresh_objective_chain(objective.id)
    if old_parent != objective.parent_id:
        refresh_objective_chain(old_parent)
    return after_set_change(objective, actor) if changed else []


def delete_objective(objective: Objective, actor: Person, version: int | None) -> list[str]:
    """Remove an objective while planning; objectives aligned to it must be re-aligned first.

    The rest of its set is checked again (see after_set_change); returns what to tell the person.
    """
    _check_version(objective, version)
    objective = load_objective(objective.id)
    _ensure_planning(objective.cycle)
    children = db.session.scalar(select(func.count()).where(Objective.parent_id == objective.id))
    if children:
        raise Invalid(
            {
                "_": ngettext(
                    "%(num)d objective aligns to this one; align it elsewhere first.",
                    "%(num)d objectives align to this one; align them elsewhere first.",
                    children,
                )
            }
        )
    parent = objective.parent_id
    lock_chain(objective.id)  # before this row's own delete: the lock order check-ins use
    db.session.delete(objective)
    db.session.flush()
    refresh_objective_chain(parent)
    return after_set_change(objective, actor)  # the rest of its set: identity is still known


# Key results ----------------------------------------------------------------------------


def add_key_result(
    objective: Objective,
    data: KeyResultData,
    actor: Person,
    *,
    notices: list[str] | None = None,
) -> tuple[KeyResult, list[str]]:
    """Add a key result; its rule is checked (start == target, overlapping tiers ... refused).

    Returns the rule's warnings; what happened to the set (approval withdrawn) goes to `notices`.
    """
    objective = load_objective(objective.id)
    _ensure_planning(objective.cycle)
    kr = KeyResult(objective_id=objective.id, position=len(objective.key_results))
    warnings = defined(kr, objective, data)
    db.session.add(kr)
    objective.key_results.append(kr)
    refresh_key_result(kr, objective.cycle.attainment_cap)
    db.session.flush()
    if objective.status == "approved":
        record_change(objective, actor, "kr_added", {"title": kr.title})
    refresh_objective_chain(objective.id)
    found = after_set_change(objective, actor)
    if notices is not None:
        notices += found
    return kr, warnings


def update_key_result(
    kr: KeyResult,
    data: KeyResultData,
    actor: Person,
    version: int | None,
    *,
    notices: list[str] | None = None,
) -> list[str]:
    """Change a key result's definition while planning; returns its rule's warnings.

    What happened to the set (approval withdrawn when its checks fail) goes to `notices`.
    """
    _check_version(kr, version)
    objective = objective_for(kr)
    _ensure_planning(objective.cycle)
    fields = ("title", "unit", "weight", *SPEC_FIELDS, "aspect", "due_on", "indicator")
    before = {f: _shown(getattr(kr, f)) for f in fields}
    warnings = defined(kr, objective, data)
    changed = _changes(before, {f: _shown(getattr(kr, f)) for f in fields})
    if "due_on" in changed:
        replay_due(kr)  # the value standing on the new due date, from the log
    refresh_key_result(kr, objective.cycle.attainment_cap)
    db.session.flush()
    if changed and objective.status == "approved":
        record_change(objective, actor, "kr_edited", {"title": kr.title, "changes": changed})
    refresh_objective_chain(objective.id)
    found = after_set_change(objective, actor) if changed else []
    if notices is not None:
        notices += found
    return warnings


def delete_key_result(kr: KeyResult, actor: Person, version: int | None) -> list[str]:
    """Remove a key result while planning (its check-ins go with it); returns the set's notices."""
    _check_version(kr, version)
    objective = objective_for(kr)
    _ensure_planning(objective.cycle)
    if objective.status == "approved":
        record_change(objective, actor, "kr_removed", {"title": kr.title})
    objective.key_results.remove(kr)
    db.session.flush()
    refresh_objective_chain(objective.id)
    return after_set_change(objective, actor)
