"""What every change to an objective starts and ends with: loading it, and its audit line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from okr.extensions import db
from okr.objectives.models import Objective, ObjectiveChange
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
