"""The chain of objectives a recomputation locks, and the cached figures written back to it.

Derived figures are written around the version counter (plain UPDATE statements): optimistic
locking is for what people edit; see okr.objectives.progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, Update, bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from okr.db import stored
from okr.extensions import db
from okr.objectives.models import Objective

_OBJECTIVE = Objective.__table__


@dataclass
class ChainNode:
    """An objective's identity, rule and cached figures, as locked for a recomputation (and
    whose it is, for who may read it: okr.objectives.access.can_read)."""

    id: int
    parent_id: int | None
    title: str
    progress_rule: str
    progress: Decimal | None
    confidence: str | None
    level: str
    owner_id: int
    department_id: int | None
    changed: bool = False

    def update(self, progress: Decimal | None, confidence: str | None) -> None:
        if progress is not None:
            progress = stored(progress)
        if (progress, confidence) != (self.progress, self.confidence):
            self.progress, self.confidence, self.changed = progress, confidence, True


def node_columns() -> Select[Any]:
    """The columns of a ChainNode, in its fields' order."""
    return select(
        Objective.id,
        Objective.parent_id,
        Objective.title,
        Objective.progress_rule,
        Objective.progress,
        Objective.confidence,
        Objective.level,
        Objective.owner_id,
        Objective.department_id,
    )


def lock_chain(objective_id: int) -> list[ChainNode]:
    """An objective and every objective above it, bottom up, locked until the transaction ends.

    Rows are locked in id order, the one order every writer of these figures uses, so two
    check-ins under shared parents wait for each other instead of deadlocking. A parent that
    changed between finding the chain and locking it is locked too and the chain walked again.
    """
    statement, params = _locked_chain(), {"objective_id": objective_id}
    while True:
        locked = {row.id: ChainNode(*row) for row in db.session.execute(statement, params)}
        chain: list[ChainNode] = []
        current: int | None = objective_id
        while current in locked and all(node.id != current for node in chain):
            chain.append(locked[current])
            current = locked[current].parent_id
        if current is None or current in locked or not chain:  # top reached (or a loop)
            return chain
        statement, params = _locked_objectives(), {"ids": [*locked, current]}


# Statements of every check-in, built once: building a recursive query costs more than the
# database takes to run it. -------------------------------------------------------------


@cache
def _locked_chain() -> Select[Any]:
    """The nodes of :objective_id and every objective above it, locked."""
    up = select(Objective.id, Objective.parent_id).where(Objective.id == bindparam("objective_id"))
    found = up.cte("chain", recursive=True)
    found = found.union(
        select(Objective.id, Objective.parent_id).join(found, Objective.id == found.c.parent_id)
    )
    return _locked(Objective.id.in_(select(found.c.id)))


@cache
def _locked_objectives() -> Select[Any]:
    """The nodes of the objectives :ids, locked."""
    return _locked(Objective.id.in_(bindparam("ids", expanding=True)))


def _locked(where: Any) -> Select[Any]:
    return node_columns().where(where).order_by(Objective.id).with_for_update(of=Objective)


def store_objective_figures(nodes: list[ChainNode]) -> None:
    """Write objectives' cached progress and confidence in one statement, version untouched."""
    if not nodes:
        return
    db.session.execute(
        _figures_update(),
        [{"b_id": n.id, "b_progress": n.progress, "b_confidence": n.confidence} for n in nodes],
    )
    for node in nodes:
        sync(Objective, node.id, progress=node.progress, confidence=node.confidence)


@cache
def _figures_update() -> Update:
    return (
        update(_OBJECTIVE)
        .where(_OBJECTIVE.c.id == bindparam("b_id"))
        .values(
            progress=bindparam("b_progress", type_=_OBJECTIVE.c.progress.type),
            confidence=bindparam("b_confidence", type_=_OBJECTIVE.c.confidence.type),
        )
    )


def sync(model: type, row_id: object, **values: object) -> None:
    """Show the stored figures on an instance this session holds, without making it dirty."""
    instance = db.session.identity_map.get(identity_key(model, row_id))
    if instance is not None:
        for name, value in values.items():
            set_committed_value(instance, name, value)
