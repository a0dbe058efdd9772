"""Progress of key results and objectives, cached on the rows and explained on demand.

The cached figures are derived data: they are written with plain UPDATE statements that leave
the rows' version counters alone. Optimistic locking is for what people edit (a key result's
check-in form, an objective's form); a check-in must never fail because another check-in moved
a parent both roll up to. Concurrent recomputations stay exact by locking instead: the chain of
objectives is locked (in id order) before the figures it is computed from are read, so under
PostgreSQL's READ COMMITTED the second of two check-ins under one parent reads the first one's
committed figures. On SQLite a write request takes the database's write lock at BEGIN
(okr.db.serialise_sqlite_writes), which orders writers the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import bindparam, select, update

from okr.cycles.models import Cycle
from okr.cycles.signals import cap_changed
from okr.db import stored
from okr.domain.attainment import AttainmentResult, attainment
from okr.domain.due_dates import Aspect
from okr.domain.errors import DomainError
from okr.domain.numbers import DOMAIN_CONTEXT
from okr.domain.rollup import ParentProgress, ProgressRule, WeightedValue, parent_progress
from okr.domain.steps import Step
from okr.extensions import db
from okr.objectives.chain import (
    ChainNode,
    lock_chain,
    node_columns,
    store_objective_figures,
    sync,
)
from okr.objectives.chain_inputs import chain_inputs
from okr.objectives.models import KeyResult, Objective
from okr.objectives.rules import spec_of, worst_confidence


@dataclass(frozen=True)
class ObjectiveProgress:
    """An objective's progress with the derivation, or the reason it cannot be computed."""

    progress: Decimal | None
    steps: tuple[Step, ...]
    problem: DomainError | None = None
    detail: ParentProgress | None = None


def is_time_target(kr: Any) -> bool:
    """A time key result with a due date: scored from the value standing on that date."""
    return kr.aspect == Aspect.TIME and kr.due_on is not None


def scored_value(kr: Any) -> Decimal | None:
    """The value a key result is scored from: its latest, or for a time target the value
    standing on its due date (okr.domain.due_dates: a later check-in does not count)."""
    return kr.due_value if is_time_target(kr) else kr.current


def kr_attainment(kr: Any, cap: Decimal) -> AttainmentResult:
    """Attainment of a key result (a row or a loaded KeyResult) from the value it is scored from;
    a time target's derivation starts by naming its due date and the value standing on it."""
    result = attainment(spec_of(kr), scored_value(kr), cap)
    if not is_time_target(kr):
        return result
    first = (
        Step.of("kr.due_value", due_on=kr.due_on.isoformat(), value=kr.due_value)
        if kr.due_value is not None
        else Step.of("kr.due_no_value", due_on=kr.due_on.isoformat())
    )
    return replace(result, steps=(first, *result.steps))


def rolled_up(
    rule: str, own: list[WeightedValue], children: list[tuple[str, Decimal | None]]
) -> ObjectiveProgress:
    """Progress by an objective's rule from its key results' progress and its children's."""
    try:
        result = parent_progress(ProgressRule(rule), own, children)
    except DomainError as problem:  # e.g. KR weights not summing to 100 while drafting
        return ObjectiveProgress(None, (), problem)
    return ObjectiveProgress(result.progress, result.steps, None, result)


def objective_progress(
    objective: Objective, key_results: list[KeyResult], children: list[tuple[str, Decimal | None]]
) -> ObjectiveProgress:
    """Progress by the objective's rule from its key results' cached progress and its children's."""
    own = [WeightedValue.of(kr.title, kr.progress, kr.weight) for kr in key_results]
    return rolled_up(objective.progress_rule, own, children)


def key_result_figures(kr: Any, cap: Decimal) -> tuple[Decimal, Decimal | None]:
    """A key result's progress and points from the value it is scored from (its latest, or a time
    target's on its due date; 0 and none if it cannot score)."""
    try:
        result = kr_attainment(kr, cap)
    except DomainError:
        return Decimal(0), None
    return result.progress, result.points


def refresh_key_result(kr: KeyResult, cap: Decimal) -> None:
    """Store a key result's progress and points after its value or rule changed."""
    kr.progress, kr.points = key_result_figures(kr, cap)


def refresh_objective_chain(objective_id: int | None) -> list[ChainNode]:
    """Recompute cached progress of an objective and every objective it aligns up to; the chain,
    bottom up, as stored (also kept for `rolled_up_chain`).

    The chain is locked first and read after, so two transactions under one parent never both
    write a figure computed from the other's stale inputs.
    """
    if objective_id is None:
        return []
    db.session.flush()  # the key results' new figures are what the chain is computed from
    chain = lock_chain(objective_id)
    found = chain_inputs([node.id for node in chain])
    own, confidences, others = found.own, found.confidences, found.others
    fresh: Decimal | None = None  # the figure of the chain's child below, as just computed
    for node in chain:  # bottom up: each objective sees its child's new figure
        total, count = others.get(node.id, (Decimal(0), 0))
        if fresh is not None:
            total, count = total + fresh, count + 1
        progress = rolled_up(node.progress_rule, own[node.id], _children(total, count)).progress
        node.update(progress, worst_confidence(confidences[node.id]))
        fresh = node.progress  # as stored: what a later recomputation reads back
    store_objective_figures([node for node in chain if node.changed])
    db.session.info[_ROLLED_UP] = (db.session().get_transaction(), objective_id, chain)
    return chain


_ROLLED_UP = "okr.rolled_up_chain"


def rolled_up_chain(objective_id: int) -> list[ChainNode] | None:
    """The chain (bottom up, with its figures as stored) that this transaction's last roll-up
    from this objective wrote, or None: what a check-in's answer shows without reading it again."""
    transaction, start, chain = db.session.info.get(_ROLLED_UP, (None, None, None))
    if transaction is None or transaction is not db.session().get_transaction():
        return None
    return chain if start == objective_id else None


def _children(total: Decimal, count: int) -> list[tuple[str, Decimal | None]]:
    """Children's progress as one figure for the roll-up: their plain mean (okr.domain.rollup),
    from their total and number, with the domain's arithmetic."""
    if not count:
        return []
    with localcontext(DOMAIN_CONTEXT):
        return [("children", total / Decimal(count))]


def refresh_cycle(cycle: Cycle) -> None:
    """Recompute every key result and objective of a cycle (after its cap changes)."""
    db.session.flush()
    own, confidences = _refresh_cycle_key_results(cycle)
    nodes = {  # locked after the key results, the order a check-in takes them in
        row.id: ChainNode(*row)
        for row in db.session.execute(
            node_columns()
            .where(Objective.cycle_id == cycle.id)
            .order_by(Objective.id)
            .with_for_update(of=Objective)
        )
    }
    children: dict[int, list[ChainNode]] = defaultdict(list)
    for node in nodes.values():
        if node.parent_id in nodes:
            children[node.parent_id].append(node)
    done: dict[int, Decimal | None] = {}

    def figure(node: ChainNode, depth: int = 0) -> Decimal | None:
        if node.id not in done:
            done[node.id] = node.progress  # a loop in the data stops here instead of recursing
            if depth < 50:
                kids = [(c.title, figure(c, depth + 1)) for c in children[node.id]]
                progress = rolled_up(node.progress_rule, own[node.id], kids).progress
                node.update(progress, worst_confidence(confidences[node.id]))
                done[node.id] = node.progress  # as stored
        return done[node.id]

    for node in nodes.values():
        figure(node)
    store_objective_figures([node for node in nodes.values() if node.changed])


def _refresh_cycle_key_results(
    cycle: Cycle,
) -> tuple[dict[int, list[WeightedValue]], dict[int, list[str | None]]]:
    """Store every key result's figures under the cycle's cap; return them per objective."""
    rows = db.session.execute(
        select(*(_KR.c[name] for name in _KR_FIGURE_INPUTS))
        .join(Objective, _KR.c.objective_id == Objective.id)
        .where(Objective.cycle_id == cycle.id)
        .order_by(_KR.c.id)
        .with_for_update(of=_KR)
    ).all()
    own: dict[int, list[WeightedValue]] = defaultdict(list)
    confidences: dict[int, list[str | None]] = defaultdict(list)
    changed: list[dict[str, Any]] = []
    for kr in sorted(rows, key=lambda k: (k.position, k.id)):
        progress, points = (stored(v) for v in key_result_figures(kr, cycle.attainment_cap))
        if (progress, points) != (kr.progress, kr.points):
            changed.append({"b_id": kr.id, "b_progress": progress, "b_points": points})
        own[kr.objective_id].append(WeightedValue.of(kr.title, progress, kr.weight))
        confidences[kr.objective_id].append(kr.confidence)
    if changed:
        db.session.execute(
            update(_KR)
            .where(_KR.c.id == bindparam("b_id"))
            .values(
                progress=bindparam("b_progress", type_=_KR.c.progress.type),
                points=bindparam("b_points", type_=_KR.c.points.type),
            ),
            changed,
        )
        for values in changed:
            sync(
                KeyResult, values["b_id"], progress=values["b_progress"], points=values["b_points"]
            )
    return own, confidences


# Derived figures are written around the version counter ----------------------------------

_KR = KeyResult.__table__
_KR_FIGURE_INPUTS = (
    *("id", "objective_id", "title", "weight", "position", "current", "confidence"),
    *("kind", "start", "target", "step", "points_per_step", "direction", "max_points", "tiers"),
    *("hold_scoring", "hold_strict", "aspect", "due_on", "due_value"),
    *("progress", "points"),
)


def _cap_changed(cycle: Cycle) -> None:
    refresh_cycle(cycle)


def connect() -> None:
    """Hear when a cycle's cap changes (called by the factory, okr.wiring)."""
    cap_changed.connect(_cap_changed)
