"""The roll-up of many key results at once: every chain above them locked, read and stored once.

What `okr.objectives.progress.refresh_objective_chain` does for one objective, done for a set
(okr.checkins.sources): the objectives above the set are locked in id order (the order every
writer of these figures takes them in), their key results and other children read after the
lock (okr.objectives.chain_inputs), and each objective computed bottom up from its key
results, its children outside the set as stored and its children inside as just computed.
Each objective ends as the item-by-item roll-ups would leave it: its last recomputation there
saw every figure below it final, which is what the single pass computes from.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, localcontext
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select

from okr.domain.numbers import DOMAIN_CONTEXT
from okr.extensions import db
from okr.objectives.chain import ChainNode, node_columns, store_objective_figures
from okr.objectives.chain_inputs import ChainInputs, chain_inputs
from okr.objectives.models import Objective
from okr.objectives.progress import rolled_up
from okr.objectives.rules import worst_confidence

MAX_DEPTH = 50  # a loop in the data stops the walk (as okr.objectives.progress.refresh_cycle)


def refresh_chains(objective_ids: set[int]) -> list[ChainNode]:
    """Recompute the cached figures of these objectives and every objective above them, once."""
    if not objective_ids:
        return []
    db.session.flush()  # the key results' new figures are what the chains are computed from
    nodes = lock_chains(objective_ids)
    found = chain_inputs(sorted(nodes))
    children: dict[int, list[ChainNode]] = defaultdict(list)
    for node in nodes.values():
        if node.parent_id in nodes:
            children[node.parent_id].append(node)
    done: dict[int, Decimal | None] = {}
    for node in nodes.values():
        _figure(node, children, found, done, 0)
    store_objective_figures([node for node in nodes.values() if node.changed])
    return list(nodes.values())


def _figure(
    node: ChainNode,
    children: dict[int, list[ChainNode]],
    found: ChainInputs,
    done: dict[int, Decimal | None],
    depth: int,
) -> Decimal | None:
    """A node's figure from its key results and children (those in the set first computed)."""
    if node.id in done:
        return done[node.id]
    done[node.id] = node.progress  # a loop in the data stops here instead of recursing
    if depth >= MAX_DEPTH:
        return node.progress
    total, count = found.others.get(node.id, (Decimal(0), 0))
    for child in children[node.id]:
        fresh = _figure(child, children, found, done, depth + 1)
        if fresh is not None:  # an objective without progress is left out, as when stored
            total, count = total + fresh, count + 1
    progress = rolled_up(node.progress_rule, found.own[node.id], _mean(total, count)).progress
    node.update(progress, worst_confidence(found.confidences[node.id]))
    done[node.id] = node.progress  # as stored: what a later roll-up reads back
    return node.progress


def _mean(total: Decimal, count: int) -> list[tuple[str, Decimal | None]]:
    """Children's progress as the one figure a roll-up takes: their plain mean."""
    if not count:
        return []
    with localcontext(DOMAIN_CONTEXT):
        return [("children", total / Decimal(count))]


def lock_chains(objective_ids: set[int]) -> dict[int, ChainNode]:
    """These objectives and every one above them, locked in id order until the transaction ends;
    a parent that changed between finding the chains and locking them is locked too."""
    statement, params = _locked_chains(), {"ids": sorted(objective_ids)}
    while True:
        locked = {row.id: ChainNode(*row) for row in db.session.execute(statement, params)}
        missing = {
            node.parent_id
            for node in locked.values()
            if node.parent_id is not None and node.parent_id not in locked
        }
        if not missing:
            return locked
        statement, params = _locked_objectives(), {"ids": sorted({*locked, *missing})}


@cache
def _locked_chains() -> Select[Any]:
    """The nodes of :ids and every objective above them, locked (built once)."""
    start = Objective.id.in_(bindparam("ids", expanding=True))
    up = select(Objective.id, Objective.parent_id).where(start).cte("chains", recursive=True)
    up = up.union(
        select(Objective.id, Objective.parent_id).join(up, Objective.id == up.c.parent_id)
    )
    return _locked(Objective.id.in_(select(up.c.id)))


@cache
def _locked_objectives() -> Select[Any]:
    return _locked(Objective.id.in_(bindparam("ids", expanding=True)))


def _locked(where: Any) -> Select[Any]:
    return node_columns().where(where).order_by(Objective.id).with_for_update(of=Objective)
