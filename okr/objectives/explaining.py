"""'How is this computed': every progress figure with its inputs and arithmetic, in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from okr.domain.errors import DomainError
from okr.explain import describe_steps, error_message
from okr.objectives.models import KeyResult, Objective
from okr.objectives.progress import kr_attainment, objective_progress


@dataclass
class KRExplanation:
    kr: KeyResult
    lines: list[str] = field(default_factory=list)
    problem: str | None = None


@dataclass
class ObjectiveExplanation:
    rule: str
    key_results: list[KRExplanation]
    lines: list[str]
    problem: str | None = None


def explain_key_result(kr: KeyResult, cap) -> KRExplanation:
    """The attainment of one key result from its latest value, step by step."""
    try:
        result = kr_attainment(kr, cap)
    except DomainError as exc:
        return KRExplanation(kr, [], error_message(exc))
    return KRExplanation(kr, describe_steps(result.steps))


def explain_objective(objective: Objective, aligned: list[Objective]) -> ObjectiveExplanation:
    """An objective's progress by its rule, from its key results and the objectives aligned to it."""
    cap = objective.cycle.attainment_cap
    krs = [explain_key_result(kr, cap) for kr in objective.key_results]
    result = objective_progress(
        objective, list(objective.key_results), [(c.title, c.progress) for c in aligned]
    )
    return ObjectiveExplanation(
        rule=objective.progress_rule,
        key_results=krs,
        lines=describe_steps(result.steps),
        problem=error_message(result.problem) if result.problem else None,
    )
