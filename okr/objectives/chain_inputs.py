"""What a roll-up reads once it has locked the chain: the chain's key results and, per
objective of the chain, its other children's progress summed (okr.objectives.progress).

Read after the lock, in a statement of their own: under READ COMMITTED a statement sees what was
committed when it began, so rows read in the locking statement itself could predate the
transaction that held the lock. On PostgreSQL both are one statement; SQLite keeps decimals as
text, which its SUM would read as floats, so there the children's rows are summed here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, literal, null, select, union_all

from okr.db import stored
from okr.domain.rollup import WeightedValue
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective


@dataclass
class ChainInputs:
    """Per objective of the chain: its key results' figures and confidences, in their order,
    and the total and number of its children's progress outside the chain (those without
    progress left out; a company objective may have a child per person)."""

    own: dict[int, list[WeightedValue]] = field(default_factory=lambda: defaultdict(list))
    confidences: dict[int, list[str | None]] = field(default_factory=lambda: defaultdict(list))
    others: dict[int, tuple[Decimal, int]] = field(default_factory=dict)

    def add_key_result(self, row: Any) -> None:
        self.own[row.objective_id].append(WeightedValue.of(row.title, row.progress, row.weight))
        self.confidences[row.objective_id].append(row.confidence)


def chain_inputs(chain_ids: list[int]) -> ChainInputs:
    """The chain's key results and its objectives' other children's progress (see the module)."""
    found = ChainInputs()
    params = {"ids": chain_ids}
    if db.session.get_bind().dialect.name == "postgresql":
        for row in db.session.execute(_both(), params):
            if row.part == 0:
                found.add_key_result(row)
            else:
                found.others[row.objective_id] = (stored(row.progress) or Decimal(0), row.count)
        return found
    for row in db.session.execute(_key_results_in_order(), params):
        found.add_key_result(row)
    for parent_id, progress in db.session.execute(_children_rows(), params):
        total, count = found.others.get(parent_id, (Decimal(0), 0))
        found.others[parent_id] = (total + progress, count + 1)
    return found


# Built once (building a statement costs more CPU than the database spends running it); :ids is
# the chain.

_KR_ORDER = (KeyResult.position, KeyResult.id)


def _key_results() -> Select[Any]:
    return select(
        literal(0, Integer).label("part"),
        KeyResult.objective_id.label("objective_id"),
        KeyResult.title,
        KeyResult.progress,
        KeyResult.weight,
        KeyResult.confidence,
        null().label("count"),
        *_KR_ORDER,
    ).where(KeyResult.objective_id.in_(bindparam("ids", expanding=True)))


@cache
def _key_results_in_order() -> Select[Any]:
    return _key_results().order_by(*_KR_ORDER)


def _outside_chain() -> tuple[Any, ...]:
    ids = bindparam("ids", expanding=True)
    return (Objective.parent_id.in_(ids), Objective.id.not_in(ids), Objective.progress.is_not(None))


@cache
def _both() -> Select[Any]:
    """The key results' rows (part 0), in order, then a row per objective with other children
    (part 1: their progress summed in `progress`, their number in `count`)."""
    summed = (
        select(
            literal(1, Integer),
            Objective.parent_id,
            null(),
            func.sum(Objective.progress),
            null(),
            null(),
            func.count(Objective.progress),
            null(),
            null(),
        )
        .where(*_outside_chain())
        .group_by(Objective.parent_id)
    )
    rows = union_all(_key_results(), summed).subquery()
    return select(rows).order_by(rows.c.part, rows.c.position, rows.c.id)


@cache
def _children_rows() -> Select[Any]:
    return select(Objective.parent_id, Objective.progress).where(*_outside_chain())
