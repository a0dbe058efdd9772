"""What every change to an objective starts and ends with: loading it, and its audit line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from okr.domain.numbers import fmt
from okr.extensions import db
from okr.objectives.models import Objective, ObjectiveChange
from okr.objectives.rules import format_tiers
from okr.org.models import Person


def load_objective(objective_id: int) -> Objective:
    """An objective with its cycle and key results loaded (what every service here needs)."""
    return db.session.scalars(
        select(Objective)
        .where(Objective.id == objective_id)
        .options(db.joinedload(Objective.cycle), db.selectinload(Objective.key_results))
    ).one()


def record_change(
    objective: Objective, actor: Person, action: str, details: Mapping[str, Any] | None = None
) -> None:
    """Keep an audit line for changes to objectives that were already approved, and for decisions.

    `details` is one mapping (not keyword arguments), so a changed field named like a detail
    ("title") can never clash with it: edits go under "changes" as {field: [before, after]}.
    """
    db.session.add(
        ObjectiveChange(
            objective_id=objective.id,
            actor_id=actor.id,
            action=action,
            details=dict(details or {}),
        )
    )


def shown_value(value: Any) -> Any:
    """A field value as the audit line shows it: exact numbers without trailing zeros, days as
    ISO dates."""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, list):
        return format_tiers(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The fields whose shown value changed: name -> [before, after]."""
    return {k: [before[k], after[k]] for k in before if before[k] != after[k]}
