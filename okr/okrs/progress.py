"""Progress of key results and objectives, cached on the rows and explained on demand."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from okr.domain.attainment import AttainmentResult, attainment
from okr.domain.errors import DomainError
from okr.domain.rollup import ParentProgress, ProgressRule, WeightedValue, parent_progress
from okr.domain.steps import Step
from okr.extensions import db
from okr.okrs.models import Cycle, KeyResult, Objective
from okr.okrs.rules import spec_of, worst_confidence


@dataclass(frozen=True)
class ObjectiveProgress:
    """An objective's progress with the derivation, or the reason it cannot be computed."""

    progress: Decimal | None
    steps: tuple[Step, ...]
    problem: DomainError | None = None
    detail: ParentProgress | None = None


def kr_attainment(kr: KeyResult, cap: Decimal) -> AttainmentResult:
    """Attainment of a key result from its latest value under the cycle's cap."""
    return attainment(spec_of(kr), kr.current, cap)


def objective_progress(
    objective: Objective, key_results: list[KeyResult], children: list[tuple[str, Decimal | None]]
) -> ObjectiveProgress:
    """Progress by the objective's rule from its key results' cached progress and its children's."""
    own = [WeightedValue.of(kr.title, kr.progress, kr.weight) for kr in key_results]
    try:
        result = parent_progress(ProgressRule(objective.progress_rule), own, children)
    except DomainError as problem:  # e.g. KR weights not summing to 100 while drafting
        return ObjectiveProgress(None, (), problem)
    return ObjectiveProgress(result.progress, result.steps, None, result)


def refresh_key_result(kr: KeyResult, cap: Decimal) -> None:
    """Store a key result's progress and points after its value or rule changed."""
    try:
        result = kr_attainment(kr, cap)
    except DomainError:
        kr.progress, kr.points = Decimal(0), None
        return
    kr.progress, kr.points = result.progress, result.points


def refresh_objective_chain(objective_id: int | None) -> None:
    """Recompute cached progress of an objective and every objective it aligns up to."""
    seen: set[int] = set()
    while objective_id is not None and objective_id not in seen:
        seen.add(objective_id)
        objective = db.session.scalars(
            select(Objective)
            .where(Objective.id == objective_id)
            .options(db.selectinload(Objective.key_results))
        ).one()
        children = [
            (title, progress)
            for title, progress in db.session.execute(
                select(Objective.title, Objective.progress).where(
                    Objective.parent_id == objective_id
                )
            )
        ]
        result = objective_progress(objective, list(objective.key_results), children)
        objective.progress = result.progress
        objective.confidence = worst_confidence([kr.confidence for kr in objective.key_results])
        db.session.flush()
        objective_id = objective.parent_id


def refresh_cycle(cycle: Cycle) -> None:
    """Recompute every key result and objective of a cycle (after its cap changes)."""
    objectives = db.session.scalars(
        select(Objective)
        .where(Objective.cycle_id == cycle.id)
        .options(db.selectinload(Objective.key_results))
    ).all()
    for objective in objectives:
        for kr in objective.key_results:
            refresh_key_result(kr, cycle.attainment_cap)
    by_id = {o.id: o for o in objectives}
    children_of: dict[int, list[Objective]] = defaultdict(list)
    for objective in objectives:
        if objective.parent_id is not None:
            children_of[objective.parent_id].append(objective)
    depth = {o.id: _depth(o, by_id) for o in objectives}
    for objective in sorted(objectives, key=lambda o: -depth[o.id]):  # leaves first
        children = [(c.title, c.progress) for c in children_of[objective.id]]
        result = objective_progress(objective, list(objective.key_results), children)
        objective.progress = result.progress
        objective.confidence = worst_confidence([kr.confidence for kr in objective.key_results])
    db.session.flush()


def _depth(objective: Objective, by_id: dict[int, Objective]) -> int:
    depth, current = 0, objective
    while current.parent_id in by_id and depth < 50:
        current, depth = by_id[current.parent_id], depth + 1  # type: ignore[index]
    return depth
